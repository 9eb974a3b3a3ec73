"""The Streamlit app through AppTest: Practice -> Submit -> feedback -> History, with a temp database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.store import Store

from .conftest import ROOT

QID = "canary-vs-blue-green"
HISTORY = "interviewer/ui/pages/history.py"


@pytest.fixture
def app():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def choose(at: AppTest, qid: str = QID) -> AppTest:
    at.selectbox(key="practice_topic").set_value("release-strategies").run()
    at.selectbox(key="practice_question").set_value(qid).run()
    return at


def test_practice_submit_feedback_then_history(app, isolated_env):
    at = choose(app)
    assert "credit-risk" in " ".join(m.value for m in at.markdown)
    at.text_area(key=f"answer_{QID}").input("I'd use a canary: 5% of traffic, then ramp up while watching latency.")
    at.button(key="submit").click().run()
    assert not at.exception
    (metric,) = at.metric
    score = int(metric.value.split("/")[0])
    assert 0 < score < 100
    assert any("Graded by **keyword**" in m.value for m in at.markdown)
    assert any("missed:" in m.value for m in at.markdown)

    (attempt,) = Store.open(isolated_env / "history.db").attempts()
    assert attempt.score == score and attempt.answer.startswith("I'd use a canary")

    at.switch_page(HISTORY).run()
    assert not at.exception
    assert at.dataframe[0].value["score"].tolist() == [score]
    assert at.metric[0].value == f"{score}/100"


def test_history_survives_a_restart(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("Blue-green with two environments and an instant switch back.")
    at.button(key="submit").click().run()
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    fresh.switch_page(HISTORY).run()
    assert not fresh.exception
    assert len(fresh.dataframe[0].value) == 1


def test_empty_answer_is_refused_and_not_saved(app, isolated_env):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("   ")
    at.button(key="submit").click().run()
    assert "The answer is empty: write or say something first." in [w.value for w in at.warning]
    assert not at.metric
    assert Store.open(isolated_env / "history.db").count_attempts() == 0


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
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert "broken.yaml" in at.warning[0].value
    assert at.selectbox(key="practice_question").options == ["A question  (easy)"]


SETTINGS = "interviewer/ui/pages/settings.py"


def test_settings_test_connection_and_save_without_key(app, isolated_env):
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
    saved = json.loads((isolated_env / "settings.json").read_text())
    assert saved == {"grader": "llm", "llm_base_url": fake.base_url, "llm_timeout": 60.0, "profile": "default"}
    assert "sk-never-saved" not in (isolated_env / "settings.json").read_text()


def test_settings_connection_failure_in_plain_words(app):
    at = app.switch_page(SETTINGS).run()
    at.text_input(key="settings_base_url").input("http://127.0.0.1:9/v1").run()
    at.button(key="settings_test").click().run()
    assert at.error[0].value == "Connection failed: cannot connect to 127.0.0.1:9 (is the server running?)"


def test_llm_failure_shows_fallback_in_feedback(app, monkeypatch):
    from .fake_llm import FakeLLMServer

    with FakeLLMServer() as fake:
        fake.enqueue(*[("status", 503)] * 3)
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "2")
        at = choose(app)
        at.text_area(key=f"answer_{QID}").input("A canary with 5% of traffic, then ramp up.")
        at.button(key="submit").click().run()
    assert not at.exception
    assert "llm grader failed" in at.warning[-1].value and "HTTP 503" in at.warning[-1].value
    assert any("Graded by **keyword**" in m.value for m in at.markdown)
