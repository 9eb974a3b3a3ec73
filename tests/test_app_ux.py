"""What a candidate sees across pages (issue 20): the same first and final score everywhere, the page's place in
the URL, spoken-answer feedback that stays, plain words instead of internal jargon, a history they control,
readiness per topic and delivery over time."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.cli import main
from interviewer.coaching import interview, speech
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history.store import Store

from .conftest import QID, ROOT, choose, new_app

BANK = load_bank()
GRADER = get_grader("keyword")
HISTORY = "interviewer/ui/pages/history.py"
PROGRESS = "interviewer/ui/pages/progress.py"
MOCK = "interviewer/ui/pages/mock.py"
TAILOR = "interviewer/ui/pages/tailor.py"
SETTINGS = "interviewer/ui/pages/settings.py"
PARTIAL = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."
FOLLOW_UP = (
    "Blue-green gives an instant rollback, you just switch back, but it doubles the cost. "
    "A canary limits the blast radius because only a few users see a bad model."
)


def texts(at: AppTest) -> list[str]:
    return [e.value for e in [*at.markdown, *at.caption, *at.info]]


def practise_with_follow_up(at: AppTest) -> AppTest:
    choose(at)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    at.text_area[0].input(FOLLOW_UP)
    at.button(key="submit_followup").click().run()
    at.button(key="skip_followup").click().run()
    assert not at.exception
    return at


def skip_the_rest(at: AppTest) -> AppTest:
    while any(b.key == "skip_followup" for b in at.button):
        at.button(key="skip_followup").click().run()
    return at


def the_label(db) -> tuple[str, str]:
    """The stored answer's score as every page should write it, and its short form for the table."""
    (attempt,) = Store.open(db).for_profile("default").attempts()
    assert attempt.final_score > attempt.score
    return (
        f"{attempt.score} → {attempt.final_score} after follow-ups",
        f"{attempt.score} → {attempt.final_score}",
    )


# --- 1. Scores agree between pages ---------------------------------------------------------------------------


def test_the_same_first_and_final_score_on_practice_history_progress_and_the_cli(app, isolated_env, capsys):
    at = practise_with_follow_up(app)
    label, short = the_label(isolated_env / "history.db")
    assert f"Score: {label}" in texts(at)  # Practice
    final = next(m for m in at.metric if m.label == "Score after follow-ups")
    assert final.value == f"{label.split(' → ')[1].split()[0]}/100"

    at.switch_page(HISTORY).run()
    assert not at.exception
    assert at.dataframe[0].value["score"].tolist() == [short]
    assert f"**Score:** {label}" in texts(at)
    assert label in at.selectbox(key="history_attempt").format_func(at.selectbox(key="history_attempt").value)

    at.switch_page(PROGRESS).run()
    assert not at.exception
    assert any(t.endswith(f"score {label}") and t.startswith("Latest answer: ") for t in texts(at))

    assert main(["history"]) == 0
    assert label in capsys.readouterr().out
    assert main(["history", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert f"{row['score']} → {row['final_score']} after follow-ups" == label


def test_the_mock_report_writes_the_score_the_same_way(isolated_env):
    store = Store.open(isolated_env / "history.db").for_profile("default")
    session = interview.start(store, BANK, "mock", [QID])
    interview.answer(store, GRADER, BANK, session, PARTIAL, now=time.time())
    interview.answer(store, GRADER, BANK, session, FOLLOW_UP, now=time.time())
    interview.next_question(store, session)
    label, _ = the_label(isolated_env / "history.db")
    at = new_app()
    at.session_state["mock_session"] = session.id
    at.switch_page(MOCK).run()
    assert not at.exception
    assert at.table[0].value["score"].tolist() == [label]


# --- 2. History's table fits the centred layout and a phone ------------------------------------------------------


def test_history_table_puts_the_score_second_in_narrow_columns(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    at.switch_page(HISTORY).run()
    table = at.dataframe[0]
    assert table.value.columns.tolist() == ["when", "score", "question", "status", "grader", "topic"]
    assert table.value["status"].tolist() == ["graded"] and table.value["grader"].tolist() == ["keyword"]
    # The comparison is a static table that wraps, so "evidence now" is never cut off.
    at.switch_page("interviewer/ui/pages/practice.py").run()
    skip_the_rest(at)
    at.button(key="practice_again").click().run()
    at.text_area(key=f"answer_{QID}").input(PARTIAL + " Then watch latency.")
    at.button(key="submit").click().run()
    at.switch_page(HISTORY).run()
    newest = Store.open(isolated_env / "history.db").for_profile("default").attempts()[0]
    at.selectbox(key="history_attempt").set_value(newest.id).run()
    assert at.table[0].value.columns.tolist() == ["criterion", "level", "evidence now"]


# --- 3. A refresh keeps the page's place ------------------------------------------------------------------------


def refreshed(params: dict[str, str]) -> AppTest:
    """A new browser session opened on this URL (F5)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_question_topic_and_difficulty_survive_a_refresh(app):
    at = choose(app)
    at.multiselect(key="practice_difficulty").set_value(["medium", "hard"]).run()
    params = dict(at.query_params)
    assert params == {"q": QID, "topic": "release-strategies", "level": "medium,hard"}
    at = refreshed(params)
    assert not at.exception
    assert at.selectbox(key="practice_question").value == QID
    assert at.selectbox(key="practice_topic").value == "release-strategies"
    assert at.multiselect(key="practice_difficulty").value == ["medium", "hard"]
    # A hand-edited URL: an unknown topic is ignored, and the question wins over filters that hide it.
    at = refreshed({"q": QID, "topic": "nonsense", "level": "easy"})
    assert not at.exception and at.selectbox(key="practice_question").value == QID


def test_the_step_survives_a_refresh_and_try_again_stays_a_new_answer(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    first = dict(at.query_params)
    assert first["session"].isdigit()
    at = refreshed(first)
    at.button(key="practice_new").click().run()  # start a new answer while the follow-up is open
    assert at.query_params["session"] == "new"
    at.text_area(key=f"answer_{QID}").input("Blue-green: two environments and an instant switch back.")
    at.button(key="submit").click().run()
    second = dict(at.query_params)
    assert second["session"] != first["session"]

    # The URL names the first answer: a refresh shows it, with its follow-up still open, not the latest one.
    at = refreshed(first)
    assert not at.exception
    shown = "\n".join(m.value for m in at.markdown)
    assert "5% of traffic" in shown and "instant switch back" not in shown
    assert any(b.key == "submit_followup" for b in at.button)

    skip_the_rest(at)
    at.button(key="practice_again").click().run()
    assert at.query_params["session"] == "new"
    at = refreshed(dict(at.query_params))
    assert not at.metric and at.text_area(key=f"answer_{QID}").value == ""


def test_a_session_of_another_profile_or_question_in_the_url_is_ignored(app, isolated_env):
    store = Store.open(isolated_env / "history.db")
    other = interview.start(store.for_profile("bob"), BANK, "practice", [QID])
    interview.answer(store.for_profile("bob"), GRADER, BANK, other, "Bob's secret answer.", now=time.time())
    at = refreshed({"q": QID, "session": str(other.id)})
    assert not at.exception
    assert "Bob's secret answer." not in "\n".join(m.value for m in at.markdown)
    assert at.query_params.get("session") is None


# --- 4. Speaking feedback stays after Submit ----------------------------------------------------------------------


class FakeTranscriber(speech.Transcriber):
    name = "fake"

    def __init__(self, text: str, seconds: float):
        self.text, self.seconds = text, seconds

    def transcribe(self, path):
        words = self.text.split()
        step = self.seconds / len(words)
        timed = [speech.Word(text=w, start=i * step, end=i * step + step * 0.8) for i, w in enumerate(words)]
        return speech.Transcript(text=self.text, words=timed, duration_s=self.seconds, backend=self.name)


@pytest.fixture
def speak(monkeypatch):
    import interviewer.ui.state as state

    def use(text: str, seconds: float) -> None:
        monkeypatch.setattr(state, "transcriber", lambda: FakeTranscriber(text, seconds))

    return use


def delivery_captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Delivery (not part of the score)")]


def test_a_short_recording_is_too_short_to_judge_pace_and_stays_with_playback(app, speak):
    speak("Um, I would use a canary release with five percent of the traffic.", 8)
    at = choose(app)
    at.audio_input(key=f"answer_{QID}_mic").upload("a.wav", b"RIFF fake audio").run()
    assert not at.exception
    (live,) = delivery_captions(at)
    assert "too short to judge pace" in live and "words/min" not in live
    assert not any("filler words a minute" in c.value for c in at.caption)
    at.button(key="submit").click().run()
    assert not at.exception
    (kept,) = delivery_captions(at)  # beside the feedback, after Submit
    assert "too short to judge pace" in kept and "hedges:" in kept and "pauses over 2 s" in kept
    assert any(c.value.startswith("• Too short to judge pace and fillers") for c in at.caption)
    assert len(at.get("audio")) == 1  # the recording plays back while the session lives


def test_a_long_enough_recording_gets_pace_against_the_target(app, speak):
    said = "I think we should ship it behind a canary and watch the error rate and latency closely " * 5
    speak(said, 30)
    at = choose(app)
    at.audio_input(key=f"answer_{QID}_mic").upload("a.wav", b"RIFF fake audio").run()
    at.button(key="submit").click().run()
    (kept,) = delivery_captions(at)
    assert "words/min (aim for 130-160)" in kept and "i think x5" in kept


# --- 5. Plain words for candidates -----------------------------------------------------------------------------


def test_no_internal_jargon_on_tailor_and_settings(app):
    at = app.switch_page(TAILOR).run()
    at.text_area(key="tailor_jd").input(
        "MLOps engineer: deploy models on Kubernetes with canary releases, monitor drift, CI/CD with MLflow."
    )
    at.button(key="tailor_find").click().run()
    assert not at.exception
    shown = "\n".join(texts(at))
    assert "relevance" not in shown and "matched on" not in shown and "coverage" not in shown
    assert any(c.startswith(("Strong match: covers", "Good match: covers")) for c in texts(at))

    at.switch_page("interviewer/ui/pages/settings.py").run()
    outside = [c.value for c in at.caption if "Pearson" in c.value]
    (agreement,) = (e for e in at.expander if e.label == "How well the graders agree with human scores")
    assert not outside or all(c in [x.value for x in agreement.caption] for c in outside)
    assert "Pearson r" in agreement.caption[0].value


# --- 6. A history you control ----------------------------------------------------------------------------------


def answer(db, qid: str, text: str, when: datetime | None = None) -> int:
    from interviewer.coaching.answers import submit

    store = Store.open(db).for_profile("default")
    q = BANK.questions[qid]
    attempt_id = submit(store, GRADER, q, BANK.rubric_for(q), text).attempt_id
    if when:
        store.db["attempts"].update(attempt_id, {"created_at": when.isoformat(timespec="milliseconds")})
    store.db.close()
    return attempt_id


def test_exclude_from_progress_with_undo_and_delete_after_confirming(isolated_env):
    db = isolated_env / "history.db"
    good = answer(db, QID, BANK.questions[QID].model_answer)
    junk = answer(db, "data-vs-concept-drift-churn", "test test asdf")
    at = new_app().switch_page(HISTORY).run()
    assert at.selectbox(key="history_attempt").value == junk  # newest first
    at.button(key="history_exclude").click().run()
    assert not at.exception
    assert at.dataframe[0].value["status"].tolist() == ["graded, excluded", "graded"]
    store = Store.open(db).for_profile("default")
    assert {m.topic for m in store.topic_mastery()} == {"release-strategies"}

    at.switch_page(PROGRESS).run()
    assert "1 answer(s) left out of progress; History can count them again." in texts(at)
    at.switch_page(HISTORY).run()
    at.button(key="history_include").click().run()  # undo
    assert at.dataframe[0].value["status"].tolist() == ["graded", "graded"]

    at.button(key="history_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="history_delete_cancel").click().run()
    assert len(at.dataframe[0].value) == 2 and not at.warning
    at.button(key="history_delete").click().run()
    at.button(key="history_delete_confirm").click().run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1 and at.selectbox(key="history_attempt").value == good
    assert Store.open(db).for_profile("default").attempt(junk) is None


def test_a_deleted_practice_answer_does_not_break_practice(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    at.switch_page(HISTORY).run()
    at.button(key="history_delete").click().run()
    at.button(key="history_delete_confirm").click().run()
    at.switch_page("interviewer/ui/pages/practice.py").run()
    assert not at.exception
    assert at.text_area(key=f"answer_{QID}").value == "" and not at.metric


def test_history_downloads_the_markdown_csv_and_json_reports(isolated_env):
    answer(isolated_env / "history.db", QID, PARTIAL)
    at = new_app().switch_page(HISTORY).run()
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) == {"history_download_md", "history_download_csv", "history_download_json"}
    assert [b.label for b in buttons.values()] == ["Report (Markdown)", "Table (CSV)", "Backup (JSON)"]


def test_readiness_per_topic_on_progress(isolated_env):
    db = isolated_env / "history.db"
    answer(db, QID, BANK.questions[QID].model_answer, when=datetime.now(UTC) - timedelta(days=3))
    answer(db, "data-vs-concept-drift-churn", "Drift.")
    at = new_app().switch_page(PROGRESS).run()
    assert not at.exception
    rows = {r["topic"]: r for r in at.dataframe[0].value.to_dict("records")}
    assert rows["release-strategies"]["readiness"] == "strong"
    assert rows["release-strategies"]["last practised"] == "3 days ago"
    assert rows["drift"]["readiness"] == "practise" and rows["drift"]["last practised"] == "today"
    assert {r["readiness"] for t, r in rows.items() if t not in ("drift", "release-strategies")} == {"not tried"}
    assert next(iter(rows)) == "drift"  # what to practise comes first


# --- 7. Delivery over time ---------------------------------------------------------------------------------------


def spoken(db, seconds: float, words: int, fillers: int, when: datetime) -> None:
    store = Store.open(db).for_profile("default")
    q = BANK.questions[QID]
    text = " ".join(["um"] * fillers + ["canary"] * (words - fillers))
    timed = [
        speech.Word(text=w, start=i * seconds / words, end=(i + 0.8) * seconds / words)
        for i, w in enumerate(text.split())
    ]
    delivery = speech.delivery(speech.Transcript(text=text, words=timed, duration_s=seconds, backend="test"))
    store.save_attempt(q, BANK.rubric_for(q), text, delivery=delivery.model_dump(), created_at=when.isoformat())
    store.db.close()


def test_delivery_over_time_from_recordings_long_enough_to_judge(isolated_env):
    db = isolated_env / "history.db"
    now = datetime.now(UTC)
    spoken(db, 60, 150, 6, now - timedelta(days=14))
    spoken(db, 60, 140, 2, now)
    spoken(db, 6, 20, 3, now)  # too short: left out
    at = new_app().switch_page(PROGRESS).run()
    assert not at.exception
    assert "Delivery over time" in [s.value for s in at.subheader]
    assert any("from 2 of your 3 recording(s)" in c and "130-160 words a minute" in c for c in texts(at))
    assert len(at.get("vega_lite_chart")) == 2  # pace against its band; fillers and hedges


def test_only_short_recordings_say_so_instead_of_a_trend(isolated_env):
    spoken(isolated_env / "history.db", 6, 20, 3, datetime.now(UTC))
    at = new_app().switch_page(PROGRESS).run()
    assert not at.exception
    assert any(c.startswith("Your recordings so far were too short to judge pace") for c in texts(at))
