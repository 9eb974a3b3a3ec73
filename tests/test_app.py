"""The Streamlit app through AppTest: Practice -> Submit -> feedback -> History, with a temp database."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.graders import agreement
from interviewer.history.store import Store
from interviewer.ui.feedback import md_escape

from .conftest import ROOT, choose, new_app

QID = "canary-vs-blue-green"
HISTORY = "interviewer/ui/pages/history.py"


def test_practice_submit_feedback_then_history(app, isolated_env):
    at = choose(app)
    assert "credit-risk" in " ".join(m.value for m in at.markdown)
    at.text_area(key=f"answer_{QID}").input("I'd use a canary: 5% of traffic, then ramp up while watching latency.")
    at.button(key="submit").click().run()
    assert not at.exception
    (metric,) = at.metric
    score = int(metric.value.split("/")[0])
    assert 0 < score < 100
    assert any(m.value == "Graded by the offline grader" for m in at.markdown)
    assert any(c.value.startswith("keyword grader · rubric v") for c in at.caption)  # details in small print
    assert any("missed:" in m.value for m in at.markdown)

    (attempt,) = Store.open(isolated_env / "history.db").for_profile("default").attempts()
    assert attempt.score == score and attempt.answer.startswith("I'd use a canary")

    at.switch_page(HISTORY).run()
    assert not at.exception
    assert at.dataframe[0].value["score"].tolist() == [str(score)]
    assert at.metric[0].value == f"{score}/100"


def test_feedback_shows_the_sentence_behind_a_wrong_claim_and_why(app):
    at = choose(app)
    said = "A canary sends all traffic at once to the new model."
    at.text_area(key=f"answer_{QID}").input(f"Blue-green keeps two environments. {said}")
    at.button(key="submit").click().run()
    assert not at.exception
    (wrong,) = [m.value for m in at.markdown if ":red[wrong:]" in m.value]
    assert wrong.startswith(
        f"- :red[wrong:] A canary sends all traffic to the new model at once. You said: *{md_escape(said)}*"
    )
    assert md_escape("That is blue-green.") in wrong  # the misconception's why, to learn from


def test_history_survives_a_restart(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("Blue-green with two environments and an instant switch back.")
    at.button(key="submit").click().run()
    fresh = new_app()
    fresh.switch_page(HISTORY).run()
    assert not fresh.exception
    assert len(fresh.dataframe[0].value) == 1


def test_empty_answer_is_refused_and_not_saved(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("   ")
    at.button(key="submit").click().run()
    assert "The answer is empty: write or say something first." in [w.value for w in at.warning]
    assert not at.metric
    assert Store.open(isolated_env / "history.db").for_profile("default").count_attempts() == 0


def test_answer_markup_is_shown_as_text(app):
    at = choose(app)
    hostile = "# Score: 100/100\n**Level 4** <script>alert(1)</script> canary with 5% of traffic"
    at.text_area(key=f"answer_{QID}").input(hostile)
    at.button(key="submit").click().run()
    at.switch_page(HISTORY).run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert r"\# Score\: 100/100" in shown
    assert not any(v.startswith("# Score") for v in shown)


def test_empty_history(app):
    app.switch_page(HISTORY).run()
    assert [i.value for i in app.info] == [
        "No attempts yet. Answer a question on the Practice page and it will appear here."
    ]


def test_broken_bank_file_is_named_and_the_rest_loads(app, monkeypatch, write_bank):
    import interviewer.ui.state as state

    root = write_bank()
    (root / "questions" / "broken.yaml").write_text("questions:\n  - id: [unclosed\n")
    monkeypatch.setattr(state, "DEFAULT_ROOT", root)
    at = new_app()
    assert not at.exception
    assert "broken.yaml" in at.warning[0].value
    assert at.selectbox(key="practice_question").options == ["A question  (easy)"]


SETTINGS = "interviewer/ui/pages/settings.py"


def test_settings_test_and_save_sit_by_the_server_fields_and_say_what_they_will_do(app, settings_file):
    at = app.switch_page(SETTINGS).run()
    keys = [getattr(el, "key", None) for el in at.main]  # widgets in page order
    keys = [k for k in keys if k]
    assert keys.index("settings_base_url") < keys.index("settings_test") < keys.index("settings_tts_backend")
    test = at.button(key="settings_test")
    assert test.disabled and "Type a base URL" in test.help  # greyed out, and why
    # The choice shows what will grade after Save, before Save.
    at.radio(key="settings_grader").set_value("semantic").run()  # saved: keyword (tests/conftest.py)
    assert "Grading now with: **keyword**; after Save: **semantic**" in [c.value for c in at.caption]
    # Saving a server whose last test failed says so, instead of a plain success.
    at.text_input(key="settings_base_url").input("http://127.0.0.1:9/v1").run()
    at.button(key="settings_test").click().run()
    assert at.error and at.error[0].value.startswith("Connection failed")
    at.button(key="settings_save_bottom").click().run()
    assert not at.success and md_escape("last connection test to 127.0.0.1:9 failed") in at.warning[0].value
    assert '"llm_base_url": "http://127.0.0.1:9/v1"' in settings_file.read_text()


def test_settings_test_connection_and_save_without_key(app, settings_file):
    import json

    from .fake_llm import FakeLLMServer

    with FakeLLMServer(models=("smollm2", "qwen")) as fake:
        at = app.switch_page(SETTINGS).run()
        at.selectbox(key="settings_preset").set_value("Ollama").run()
        assert at.text_input(key="settings_base_url").value == "http://localhost:11434/v1"
        at.text_input(key="settings_base_url").input(fake.base_url).run()
        at.text_input(key="settings_api_key").input("sk-never-saved").run()
        at.button(key="settings_test").click().run()
        assert not at.exception
        assert at.success[0].value.endswith("2 model(s): qwen, smollm2")
        at.radio(key="settings_grader").set_value("llm").run()
        at.button(key="settings_save").click().run()
        assert at.success[0].value.startswith("Saved to ")
        # The page and the sidebar show the saved choice at once, not the one before saving.
        assert "Grading now with: **llm**" in [c.value for c in at.caption]
        assert "Grader: **llm**" in [c.value for c in at.sidebar.caption]
    saved = json.loads(settings_file.read_text())
    assert saved == {
        "grader": "llm",
        "llm_base_url": fake.base_url,
        "llm_timeout": 60.0,
        "profile": "default",
        "tts_backend": "browser",
        "tts_rate": 1.0,
        "tts_autoplay_mock": False,
    }
    assert "sk-never-saved" not in settings_file.read_text()


def test_settings_connection_failure_in_plain_words(app):
    at = app.switch_page(SETTINGS).run()
    at.text_input(key="settings_base_url").input("http://127.0.0.1:9/v1").run()
    at.button(key="settings_test").click().run()
    # The message may quote the server, so it is escaped Markdown.
    assert at.error[0].value == r"Connection failed: cannot connect to 127.0.0.1\:9 \(is the server running?\)"


def test_llm_failure_shows_fallback_in_feedback(app, monkeypatch):
    from .fake_llm import FakeLLMServer

    with FakeLLMServer() as fake:
        fake.enqueue(*[("status", 503)] * 3)
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "2")
        monkeypatch.setenv("INTERVIEWER_GRADER", "llm")
        at = choose(app)
        at.text_area(key=f"answer_{QID}").input("A canary with 5% of traffic, then ramp up.")
        at.button(key="submit").click().run()
    assert not at.exception
    assert "llm grader failed" in at.warning[-1].value and "HTTP 503" in at.warning[-1].value
    assert any(c.value.startswith("semantic grader · rubric v") for c in at.caption)


PARTIAL = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."
MOCK = "interviewer/ui/pages/mock.py"
WALK = "interviewer/ui/pages/walkthrough.py"
# Covers training and serving only, so the other checklist areas are left to follow up on.
WALK_ANSWER = (
    "We trained a gradient boosted model with a time-based split and measured PR AUC and recall. "
    "Serving was online, a FastAPI service behind a REST endpoint."
)


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def chat_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_practice_follow_ups_then_score_before_and_after(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    probe = "When would blue-green be the better choice than a canary, despite its cost?"
    assert md_escape(probe) in chat_text(at)
    (box,) = at.text_area
    box.input(
        "Blue-green gives an instant rollback, you just switch back, but it doubles the cost. "
        "A canary limits the blast radius because only a few users see a bad model."
    )
    at.button(key="submit_followup").click().run()
    assert not at.exception
    at.button(key="skip_followup").click().run()
    assert not at.exception
    final = next(m for m in at.metric if m.label == "Score after follow-ups")
    first = next(m for m in at.metric if m.label == "Score")
    assert int(final.value.split("/")[0]) > int(first.value.split("/")[0])
    assert "Skipped." in [c.value for c in at.caption]


def test_draft_survives_a_browser_refresh(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("A long answer in progress about canaries").run()
    fresh = choose(new_app())
    assert fresh.text_area(key=f"answer_{QID}").value == "A long answer in progress about canaries"


def refresh() -> AppTest:
    """A new browser session on the same database, as after pressing F5."""
    return choose(new_app())


def last_answer_notice(at: AppTest) -> list[str]:
    return [i.value for i in at.info if i.value.startswith("Your last answer to this question (")]


def test_practice_result_and_follow_ups_survive_a_browser_refresh(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    first = next(m for m in at.metric if m.label == "Score").value

    at = refresh()
    assert not at.exception
    (notice,) = last_answer_notice(at)
    assert re.fullmatch(r"Your last answer to this question \(\d\d:\d\d UTC, (just now|\d+ min ago)\)", notice)
    assert md_escape(PARTIAL) in chat_text(at)
    assert next(m for m in at.metric if m.label == "Score").value == first
    assert md_escape("When would blue-green be the better choice than a canary, despite its cost?") in chat_text(at)
    assert has_button(at, "practice_new")
    # The open follow-up carries on where it was.
    (box,) = at.text_area
    box.input("Blue-green gives an instant rollback, you just switch back, but it doubles the cost.")
    at.button(key="submit_followup").click().run()
    at.button(key="skip_followup").click().run()
    assert not at.exception
    final = next(m for m in at.metric if m.label == "Score after follow-ups")

    at = refresh()
    assert len(last_answer_notice(at)) == 1
    assert next(m for m in at.metric if m.label == "Score after follow-ups").value == final.value
    assert "Skipped." in [c.value for c in at.caption]
    at.button(key="practice_again").click().run()
    assert not at.exception
    assert not last_answer_notice(at) and not at.metric
    assert at.text_area(key=f"answer_{QID}").value == ""


def test_a_new_answer_begun_after_a_refresh_is_not_hidden_by_the_last_one(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    at = refresh()
    at.button(key="practice_new").click().run()
    assert not last_answer_notice(at) and not at.metric
    at.text_area(key=f"answer_{QID}").input("A second try, about blue-green").run()
    at = refresh()
    assert not last_answer_notice(at)
    assert at.text_area(key=f"answer_{QID}").value == "A second try, about blue-green"


def test_try_again_from_history_after_a_refresh_starts_a_new_answer(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    at = new_app()
    at.switch_page(HISTORY).run()
    at.button(key="history_retry").click().run()
    assert at.title[0].value == "Practice"
    assert not last_answer_notice(at) and not at.metric
    assert at.text_area(key=f"answer_{QID}").value == ""


def test_an_answer_from_hours_ago_is_not_brought_back(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    store = Store.open(isolated_env / "history.db").for_profile("default")
    store.db.execute("UPDATE attempts SET created_at = '2020-01-01T09:00:00.000+00:00'")
    store.db.conn.commit()
    at = refresh()
    assert not last_answer_notice(at) and not at.metric
    assert at.text_area(key=f"answer_{QID}").value == ""


def test_mock_interview_in_interview_mode_ends_with_a_report(app, isolated_env):
    at = app.switch_page(MOCK).run()
    at.multiselect(key="mock_topics").set_value(["release-strategies", "drift"]).run()
    at.slider(key="mock_count").set_value(2).run()
    at.radio(key="mock_mode").set_value("interview").run()
    at.button(key="mock_start").click().run()
    assert "Question 1 of 2" in at.caption[0].value
    assert at.get("progress")  # the countdown
    at.text_area[0].input(PARTIAL)
    at.button(key="submit").click().run()
    assert not at.exception
    assert not at.metric  # interview mode: no feedback yet
    at.button(key="mock_next").click().run()
    assert "Question 2 of 2" in at.caption[0].value
    at.text_area[0].input("Data drift is when the input distribution changes; I'd use PSI and a KS test.")
    at.button(key="submit").click().run()
    at.button(key="mock_next").click().run()
    assert not at.exception
    assert [s.value for s in at.subheader][:2] == ["Interview report", "Feedback per question"]
    assert len(at.table[0].value) == 2
    assert len([e for e in at.expander if e.label != "Your answer, marked up"]) == 2
    strongest, weakest = (m.value for m in at.markdown if m.value.startswith(("**Strongest**", "**Weakest**")))
    assert weakest.count("\n- ") >= 1 and "/4)" in weakest  # two partial answers leave weak areas
    assert strongest.count("\n- ") >= 1 or strongest.endswith("No criterion reached 2/4 on average yet.")


def test_unfinished_mock_interview_resumes_from_history(app):
    at = app.switch_page(MOCK).run()
    at.slider(key="mock_count").set_value(3).run()
    at.button(key="mock_start").click().run()
    at.text_area[0].input(PARTIAL)
    at.button(key="submit").click().run()
    restarted = new_app()
    restarted.switch_page(HISTORY).run()
    resume = next(b for b in restarted.button if b.key and b.key.startswith("history_resume_"))
    resume.click().run()
    assert not restarted.exception
    assert restarted.title[0].value == "Mock interview"
    assert "Question 1 of 3" in restarted.caption[0].value
    assert has_button(restarted, "mock_next")  # the answered question is there, ready to move on


def test_walkthrough_checklist_and_follow_up_on_a_missed_area(app):
    at = app.switch_page(WALK).run()
    at.text_area[0].input(WALK_ANSWER)
    at.button(key="submit").click().run()
    assert not at.exception
    text = chat_text(at)
    assert ":red[○ missed]" in text and (":green[● covered]" in text or ":orange[◐ partial]" in text)
    asked = 0
    while has_button(at, "skip_followup"):  # one missed area at a time
        asked += 1
        at.button(key="skip_followup").click().run()
    assert 1 <= asked <= 3  # the most important open areas; the rest go to the report
    assert "Checklist report" in [s.value for s in at.subheader]
    assert "Not asked about in follow-ups" in chat_text(at)
    # The report sits below the conversation and the checklist, at the page's full width.
    assert not any(s.value == "Checklist report" for col in at.columns for s in col.subheader)


def test_walkthrough_starts_neutral_and_cuts_quotes_at_a_word(app):
    at = app.switch_page(WALK).run()
    text = chat_text(at)
    assert ":red[○ missed]" not in text and text.count(":gray[○ not yet]") == 7
    long = (
        "We trained a gradient boosted model with a time-based split and measured PR AUC and recall at a fixed "
        "precision of ninety percent, validated on the most recent month, which we held out completely from tuning."
    )
    at.text_area[0].input(long)
    at.button(key="submit").click().run()
    (quote,) = [c.value for c in at.caption if c.value.startswith("“")]
    assert quote.endswith("…”") and quote[1:-2] in md_escape(long)
    assert md_escape(long).split(quote[1:-2], 1)[1].startswith(" ")  # cut before a space, not inside a word


def test_walkthrough_report_says_what_each_area_missed(app):
    at = app.switch_page(WALK).run()
    at.text_area[0].input(WALK_ANSWER)
    at.button(key="submit").click().run()
    assert ":red[missed:]" not in chat_text(at)  # not while the follow-ups ask about those very points
    while has_button(at, "skip_followup"):
        at.button(key="skip_followup").click().run()
    text = chat_text(at)
    short = [m.value.split("**")[1] for m in at.markdown if m.value.startswith((":orange[◐", ":red[○"))]
    assert short
    for name in short:  # each area not covered has its own card in the report
        assert f"**{name}** · weight" in text
    assert f"- :red[missed:] {md_escape('Has a runbook or playbook for known failure modes')}" in text
    assert (
        f"- :red[missed:] {md_escape('Monitoring tools (Prometheus, Grafana, Datadog, Evidently, CloudWatch ...)')}"
        in (text)
    )  # from "Concrete tooling", an area the answer covered in part


def test_walkthrough_time_counts_from_when_the_scenario_was_shown(app, isolated_env):
    at = app.switch_page(WALK).run()
    qid = at.selectbox(key="walkthrough_question").value
    at.session_state["walkthrough_shown_at"] = {qid: time.time() - 150}  # shown two and a half minutes ago
    at.text_area[0].input("We trained a gradient boosted model with a time-based split and measured PR AUC.")
    at.button(key="submit").click().run()
    assert not at.exception
    (attempt,) = Store.open(isolated_env / "history.db").for_profile("default").attempts()
    assert 150 <= attempt.time_taken_s < 180


PROGRESS = "interviewer/ui/pages/progress.py"


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """Seeding takes seconds; each test gets its own copy of one seeded database."""
    from interviewer.content.bank import load_bank

    from .seed import seed_history

    path = tmp_path_factory.mktemp("seeded") / "history.db"
    store = Store.open(path)
    seed_history(store.for_profile("default"), load_bank(), 300)
    seed_history(store.for_profile("bob"), load_bank(), 5)
    store.close()
    return path


@pytest.fixture
def seeded(isolated_env, seeded_template):
    shutil.copy(seeded_template, isolated_env / "history.db")


def test_history_filters_on_a_seeded_database(seeded):
    at = new_app()
    at.switch_page(HISTORY).run()
    assert not at.exception
    assert "300 attempt(s), newest 200 shown" in [c.value for c in at.caption]
    at.selectbox(key="history_topic").set_value("drift").run()
    shown = at.dataframe[0].value
    assert set(shown["topic"]) == {"drift"} and 0 < len(shown) < 300
    at.selectbox(key="history_grader").set_value("llm").run()
    assert [i.value for i in at.info] == ["No attempts match these filters."]


def test_history_compares_with_the_previous_attempt_and_offers_retry(seeded):
    at = new_app()
    at.switch_page(HISTORY).run()
    assert "Compared with your previous attempt" in [s.value for s in at.subheader]
    at.button(key="history_retry").click().run()
    assert not at.exception
    assert at.title[0].value == "Practice"


def test_progress_page_on_a_seeded_database(seeded):
    at = new_app()
    at.switch_page(PROGRESS).run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "Readiness per topic",
        "Score over time",
        "Weakness map",
        "Weakest areas",
        "Practise next",
    ]
    next_buttons = [b for b in at.button if b.key and b.key.startswith("next_")]
    assert len(next_buttons) == 5
    next_buttons[0].click().run()
    assert at.title[0].value == "Practice"
    assert at.selectbox(key="practice_question").value == next_buttons[0].key.removeprefix("next_")


def test_profiles_see_only_their_own_history(seeded):
    at = new_app()
    assert at.sidebar.selectbox(key="profile_picker").options == ["bob", "default"]
    at.sidebar.selectbox(key="profile_picker").set_value("bob").run()
    at.switch_page(HISTORY).run()
    assert "5 attempt(s)" in [c.value for c in at.caption]
    at.sidebar.text_input(key="new_profile").input("carol").run()
    assert at.sidebar.selectbox(key="profile_picker").value == "carol"
    assert [i.value for i in at.info] == [
        "No attempts yet. Answer a question on the Practice page and it will appear here."
    ]


def test_the_profile_survives_a_browser_refresh(seeded):
    at = new_app()
    assert "profile" not in at.query_params  # the default profile keeps a plain URL
    at.sidebar.selectbox(key="profile_picker").set_value("bob").run()
    assert at.query_params["profile"] == "bob"
    refreshed = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    refreshed.query_params["profile"] = "bob"  # a new session with the same URL
    refreshed.run()
    refreshed.switch_page(HISTORY).run()
    assert not refreshed.exception
    assert refreshed.sidebar.selectbox(key="profile_picker").value == "bob"
    assert "5 attempt(s)" in [c.value for c in refreshed.caption]


def test_next_recommended_question(seeded):
    at = new_app()
    at.button(key="practice_recommend").click().run()
    assert not at.exception
    assert any(c.value.startswith("Recommended: ") for c in at.caption)


QUIZ = "interviewer/ui/pages/quiz.py"
GLOSSARY = "interviewer/ui/pages/glossary.py"


def test_quiz_round_results_and_replay(app, isolated_env):
    at = app.switch_page(QUIZ).run()
    at.number_input(key="quiz_count").set_value(4).run()
    at.button(key="quiz_start").click().run()
    assert not at.exception
    radios = [r for r in at.radio if r.key and r.key.startswith("quiz_q")]
    questions = [(r.label, r.options) for r in radios]
    assert len(radios) == 4
    radios[0].set_value(0).run()
    at.button(key="quiz_finish").click().run()
    assert not at.exception
    assert at.metric[0].value.endswith("/4")
    assert sum(r["of"] for r in at.dataframe[0].value.to_dict("records")) == 4
    at.button(key="quiz_replay").click().run()
    replayed = [(r.label, r.options) for r in at.radio if r.key and r.key.startswith("quiz_q")]
    assert replayed == questions  # same seed: same questions, same option order
    assert all(r.value is None for r in at.radio if r.key and r.key.startswith("quiz_q"))
    at.button(key="quiz_finish").click().run()
    assert at.metric[0].value == "0/4"
    assert len(Store.open(isolated_env / "history.db").for_profile("default").quiz_rounds()) == 2


def test_quiz_difficulty_counts_follow_the_question_count_and_the_other_way(app):
    at = app.switch_page(QUIZ).run()
    mix = lambda: [at.number_input(key=f"quiz_mix_{d}").value for d in ("easy", "medium", "hard")]  # noqa: E731
    assert mix() == [5, 6, 4] and at.number_input(key="quiz_count").value == 15
    at.number_input(key="quiz_count").set_value(5).run()
    assert sum(mix()) == 5 and mix() == [2, 2, 1]
    at.number_input(key="quiz_mix_hard").set_value(3).run()
    assert at.number_input(key="quiz_count").value == 7
    at.button(key="quiz_start").click().run()
    assert not at.exception
    assert len([r for r in at.radio if r.key and r.key.startswith("quiz_q")]) == 7


def test_quiz_every_answer_can_be_reviewed_not_only_wrong_ones(app):
    from interviewer.coaching import quiz
    from interviewer.content.bank import load_bank

    at = app.switch_page(QUIZ).run()
    at.number_input(key="quiz_count").set_value(3).run()
    at.button(key="quiz_start").click().run()
    rnd = quiz.Round.model_validate_json(at.session_state["quiz_round"])
    bank = load_bank()
    first = bank.quiz[rnd.items[0].quiz_id]
    right = next(i for i, o in enumerate(rnd.items[0].order) if first.options[o].correct)
    at.radio(key="quiz_q0").set_value(right).run()
    at.button(key="quiz_finish").click().run()
    assert not at.exception
    (review,) = [e for e in at.expander if e.label.startswith("Review the 1 you got right")]
    assert any(first.question in m.value for m in review.markdown)
    assert any(next(o.why for o in first.options if o.correct) in c.value for c in review.caption)


def test_glossary_search_and_related(app):
    at = app.switch_page(GLOSSARY).run()
    at.text_input(key="glossary_search").input("PSI").run()
    assert not at.exception
    assert at.expander[0].label.lower().startswith(("psi", "population stability index"))
    related = [b for b in at.button if b.key and b.key.startswith("glossary_")]
    assert related
    name = related[0].label
    related[0].click().run()
    assert at.text_input(key="glossary_search").value == name


def test_spoken_answer_transcribed_into_the_box_then_saved_with_delivery(app, isolated_env, tmp_path):
    import subprocess

    from .conftest import require
    from .test_speech import _tools_missing

    require(_tools_missing())
    wav = tmp_path / "a.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-s",
            "150",
            "-w",
            str(wav),
            "Um, I would use a canary release with five percent of the traffic, and roll back if latency goes up.",
        ],
        check=True,
    )
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("Typed first.").run()
    at.audio_input(key=f"answer_{QID}_mic").upload("a.wav", wav.read_bytes()).run()
    assert not at.exception
    text = at.text_area(key=f"answer_{QID}").value
    assert text.startswith("Typed first.\n\n") and "canary" in text.lower()  # typed text kept, transcript added
    assert any(c.value.startswith("Delivery (not part of the score)") for c in at.caption)
    at.button(key="submit").click().run()
    (attempt,) = Store.open(isolated_env / "history.db").for_profile("default").attempts()
    assert attempt.source == "voice" and attempt.delivery["wpm"] > 0 and attempt.delivery["fillers"]
    at.switch_page(HISTORY).run()
    assert any(c.value.startswith("Delivery (not part of the score)") for c in at.caption)


def test_bad_audio_upload_keeps_the_typed_answer(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("My typed answer.").run()
    at.file_uploader(key=f"answer_{QID}_upload").upload("broken.wav", b"RIFF not really audio", "audio/wav").run()
    assert not at.exception
    assert any("cannot read the audio" in w.value and "typed answer is kept" in w.value for w in at.warning)
    assert at.text_area(key=f"answer_{QID}").value == "My typed answer."


def test_settings_show_each_graders_agreement_with_humans(app):
    at = app.switch_page(SETTINGS).run()
    shown = " ".join(c.value for c in at.caption)
    figures = agreement.measured()  # what make bench measured last, shipped with the package
    r = {name: f"{name} r = {g.pearson:.3f}" for name, g in figures.graders.items()}
    assert f"{r['keyword']} · {r['semantic']}" in shown and f"at r = {figures.human_pearson:.3f}" in shown
    assert "offline grader that agrees best" in at.radio(key="settings_grader").help
