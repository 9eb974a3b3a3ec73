"""History, Progress and the mock interview report through AppTest: routing, filters and what they show."""

from __future__ import annotations

import pytest
import streamlit.elements.lib.policies as policies
from streamlit.testing.v1 import AppTest

from interviewer.coaching.answers import submit
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history.store import Store
from interviewer.ui.feedback import md_escape

from .conftest import new_app

BANK = load_bank()
GRADER = get_grader("keyword")
HISTORY = "interviewer/ui/pages/history.py"
PROGRESS = "interviewer/ui/pages/progress.py"
MOCK = "interviewer/ui/pages/mock.py"
E2E = "e2e-edge-defect-detection"
PARTIAL = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."


def answer(db, qid: str, text: str, *, when: str | None = None, grader: str | None = None) -> int:
    """Save and grade one answer in the app's database; `grader` renames the grade's grader."""
    store = Store.open(db).for_profile("default")
    q = BANK.questions[qid]
    result = submit(store, GRADER, q, BANK.rubric_for(q), text)
    if grader:
        grade = result.grade.model_copy(update={"grader": grader})
        store.db.execute(
            "UPDATE grades SET grader = ?, grade_json = ? WHERE attempt_id = ?",
            [grader, grade.model_dump_json(), result.attempt_id],
        )
        store.db.conn.commit()
    if when:
        store.db["attempts"].update(result.attempt_id, {"created_at": when})
    store.db.close()
    return result.attempt_id


@pytest.fixture
def state_warnings(monkeypatch) -> list[str]:
    """Streamlit's "set through session state and as a widget default" warnings (it checks only with a
    runtime, and logs once per process)."""
    seen: list[str] = []
    monkeypatch.setattr(policies.runtime, "exists", lambda: True)
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    monkeypatch.setattr(policies._LOGGER, "warning", lambda msg, *args, **_: seen.append(msg % args))
    return seen


def test_try_again_on_a_walkthrough_attempt_opens_that_scenario(isolated_env):
    answer(isolated_env / "history.db", E2E, "We trained a model and served it online.")
    answer(isolated_env / "history.db", "canary-vs-blue-green", PARTIAL)  # newer: shown first
    at = new_app().switch_page(HISTORY).run()
    at.selectbox(key="history_attempt").set_value(1).run()
    at.button(key="history_retry").click().run()
    assert not at.exception
    assert at.title[0].value == "End-to-end walkthrough"
    assert at.selectbox(key="walkthrough_question").value == E2E


def test_try_again_on_practice_sets_the_filters_without_a_widget_warning(isolated_env, state_warnings):
    answer(isolated_env / "history.db", "canary-vs-blue-green", PARTIAL)
    at = new_app().switch_page(HISTORY).run()
    at.button(key="history_retry").click().run()
    assert not at.exception
    assert at.title[0].value == "Practice"
    assert at.selectbox(key="practice_question").value == "canary-vs-blue-green"
    assert at.multiselect(key="practice_difficulty").value == ["easy", "medium", "hard"]
    assert state_warnings == []


def test_history_offers_the_graders_that_graded_this_history(isolated_env):
    db = isolated_env / "history.db"
    answer(db, "canary-vs-blue-green", PARTIAL, grader="semantic")
    answer(db, "canary-vs-blue-green", PARTIAL, grader="retired-plugin")
    answer(db, "data-vs-concept-drift-churn", "Data drift is a change in the inputs.")
    at = new_app().switch_page(HISTORY).run()
    options = at.selectbox(key="history_grader").options
    assert {"semantic", "retired-plugin", "keyword", "llm"} <= set(options) and options[0] == "any"
    at.selectbox(key="history_grader").set_value("semantic").run()
    assert at.dataframe[0].value["grader"].tolist() == ["semantic"]


def test_one_day_of_practice_shows_the_score_not_an_empty_line(isolated_env):
    attempt = answer(isolated_env / "history.db", "canary-vs-blue-green", PARTIAL, when="2026-03-02T10:00:00+00:00")
    score = Store.open(isolated_env / "history.db").for_profile("default").attempt(attempt).score
    at = new_app().switch_page(PROGRESS).run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [("Average score on 2026-03-02", f"{score}/100")]
    assert not at.get("arrow_vega_lite_chart")  # no line chart


def test_weakest_areas_offer_each_question_once_and_quiz_rounds_come_last(isolated_env):
    db = isolated_env / "history.db"
    answer(db, "canary-vs-blue-green", "I would deploy it.", when="2026-03-01T10:00:00+00:00")
    answer(db, "canary-vs-blue-green", "A canary.", when="2026-03-02T10:00:00+00:00")
    store = Store.open(db).for_profile("default")
    round_json = '{"started_at": "2026-03-02T11:00:00+00:00", "seed": 1}'
    result = {"total": 4, "correct": 3, "late": 0, "time_used_s": 60.0, "over_time": False}
    store.save_quiz(round_json, result | {"per_topic": {"drift": [3, 4]}})
    store.db.close()
    at = new_app().switch_page(PROGRESS).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "Readiness per topic",
        "Score over time",
        "Weakness map",
        "Weakest areas",
        "Practise next",
        "Quiz rounds",
    ]
    practise = [b.label for b in at.button if b.key and b.key.startswith("weak_")]
    assert practise and len(practise) == len(set(practise))
    assert "Practised by the question above." in [c.value for c in at.caption]


def start_mock(at: AppTest, count: int, topics: list[str], mode: str = "coached") -> AppTest:
    at.switch_page(MOCK).run()
    at.multiselect(key="mock_topics").set_value(topics).run()
    at.slider(key="mock_count").set_value(count).run()
    at.radio(key="mock_mode").set_value(mode).run()
    at.button(key="mock_start").click().run()
    return at


def end_now(at: AppTest) -> AppTest:
    """End interview now, and confirm it."""
    at.button(key="mock_end").click().run()
    return at.button(key="mock_end_confirm").click().run()


def feedback(at: AppTest) -> list:
    """The report's feedback expanders, one per answered question (not those nested inside a grade)."""
    return [e for e in at.expander if e.label != "Your answer, marked up"]


def criteria_notes(at: AppTest) -> tuple[str, str]:
    strongest, weakest = (m.value for m in at.markdown if m.value.startswith(("**Strongest**", "**Weakest**")))
    return strongest, weakest


def test_interview_ended_before_any_answer_says_nothing_was_scored():
    at = start_mock(new_app(), 2, ["drift"])
    end_now(at)
    assert not at.exception
    assert criteria_notes(at) == (
        "**Strongest**\n\nNothing was scored in this interview.",
        "**Weakest**\n\nNothing was scored in this interview.",
    )
    assert at.table[0].value["score"].tolist() == ["not answered", "not answered"]


def test_interview_ended_early_shows_unanswered_questions_plainly_and_the_whole_table():
    at = start_mock(new_app(), 2, ["release-strategies", "drift"], mode="interview")
    first = at.caption[0].value
    at.text_area[0].input(PARTIAL)
    at.button(key="submit").click().run()
    end_now(at)
    assert not at.exception and "Question 1 of 2" in first
    assert not at.dataframe  # a static table: nothing is cut off at the right of the centred page
    table = at.table[0].value
    assert table.columns.tolist() == ["question", "topic", "score", "time"]
    answered, skipped = table.to_dict("records")
    assert answered["score"].removesuffix(" after follow-ups").split(" → ")[-1].isdigit() and answered["time"].endswith(
        " min"
    )
    assert (skipped["score"], skipped["time"]) == ("not answered", "")
    assert len(feedback(at)) == 1  # feedback only for the answered question
    assert f"{md_escape(skipped['question'])}: *not answered*" in [m.value for m in at.markdown]
    strongest, _ = criteria_notes(at)
    assert "\n- \n" not in strongest + "\n" and not strongest.endswith("-")


def test_unfinished_interviews_are_told_apart_by_progress_and_topics():
    at = start_mock(new_app(), 2, ["drift"])
    at.text_area[0].input("Data drift is when the input distribution changes; I'd use PSI.")
    at.button(key="submit").click().run()
    del at.session_state["mock_session"]  # leave it open: the setup form again, as in a new browser tab
    at.run()
    start_mock(at, 3, ["security"])
    at.switch_page(HISTORY).run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("history_resume_")]
    assert len(labels) == 2 and len(set(labels)) == 2
    newest, oldest = labels
    assert " · 0 of 3 answered · security · first: " in newest
    assert " · 1 of 2 answered · drift · first: " in oldest


def test_a_coached_interview_report_keeps_each_answers_feedback_to_review():
    at = start_mock(new_app(), 2, ["release-strategies", "drift"])  # coached: feedback after each answer
    at.text_area[0].input(PARTIAL)
    at.button(key="submit").click().run()
    end_now(at)
    assert not at.exception
    assert "Feedback per question" in [s.value for s in at.subheader]
    assert len(feedback(at)) == 1  # the answered question, with its feedback


def test_end_interview_now_asks_first_and_keep_going_carries_on():
    at = start_mock(new_app(), 2, ["drift"])
    at.button(key="mock_end").click().run()
    assert not at.exception
    assert any("End the interview now? 2 question(s)" in w.value for w in at.warning)
    assert "Interview report" not in [s.value for s in at.subheader]  # nothing ended yet
    at.button(key="mock_end_cancel").click().run()
    assert not any(b.key == "mock_end_confirm" for b in at.button)
    assert "Question 1 of 2" in at.caption[0].value and at.text_area  # the interview carries on
    end_now(at)
    assert "Interview report" in [s.value for s in at.subheader]
