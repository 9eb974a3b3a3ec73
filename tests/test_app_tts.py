"""Questions read aloud through AppTest: the Listen controls, mock-interview autoplay, and their settings."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from interviewer.content.bank import load_bank

from .conftest import choose, new_app
from .fake_llm import FakeLLMServer
from .test_app import MOCK, PARTIAL, QID, SETTINGS
from .test_tts import KEY, wav_bytes


def speakers(at: AppTest) -> list[dict]:
    """What each browser Listen control on the page was given (AppTest cannot run its JavaScript)."""
    return [json.loads(el.proto.json) for el in at.get("bidi_component") if el.proto.component_name.endswith("speak")]


def test_listen_on_the_question_and_each_follow_up(app):
    at = choose(app)
    question = load_bank().questions[QID]
    (spoken,) = speakers(at)
    assert spoken["text"] == question.prompt and spoken["rate"] == 1.0 and not spoken["autoplay"]
    assert spoken["label"] == "🔊 Listen" and spoken["no_voice"].startswith("No speech voice is available")
    at.text_area(key=f"answer_{QID}").input(PARTIAL)
    at.button(key="submit").click().run()
    texts = [s["text"] for s in speakers(at)]
    assert texts == [question.prompt, "When would blue-green be the better choice than a canary, despite its cost?"]
    assert not any(s["autoplay"] for s in speakers(at))  # autoplay is for mock interviews only


def test_voice_and_rate_come_from_settings(app, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TTS_VOICE", "Google UK English Female")
    monkeypatch.setenv("INTERVIEWER_TTS_RATE", "1.3")
    at = choose(app.run())
    (spoken,) = speakers(at)
    assert (spoken["voice"], spoken["rate"]) == ("Google UK English Female", 1.3)


def test_off_means_no_listen_control(monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TTS_BACKEND", "off")
    at = choose(new_app())
    assert not speakers(at)
    at.switch_page(MOCK).run()
    assert at.checkbox(key="mock_autoplay").disabled


def start_mock(at: AppTest, read_aloud: bool | None = None) -> AppTest:
    at.switch_page(MOCK).run()
    at.slider(key="mock_count").set_value(2).run()
    if read_aloud is not None:
        at.checkbox(key="mock_autoplay").set_value(read_aloud).run()
    at.button(key="mock_start").click().run()
    assert not at.exception
    return at


def test_mock_reads_each_new_question_aloud_once(app):
    at = app.switch_page(MOCK).run()
    assert at.checkbox(key="mock_autoplay").label == "Read each new question aloud"
    assert at.checkbox(key="mock_autoplay").value is False  # the saved default
    start_mock(at, read_aloud=True)
    (first,) = speakers(at)
    assert first["autoplay"]
    at.run()  # any rerun: the question was already read
    assert not speakers(at)[0]["autoplay"]
    at.text_area[0].input(PARTIAL)
    at.button(key="submit").click().run()
    # coached: the follow-up is new, so it is read; the question above it is not again
    assert [s["autoplay"] for s in speakers(at)] == [False, True]
    at.button(key="skip_followup").click().run()
    while any(b.key == "skip_followup" for b in at.button):
        at.button(key="skip_followup").click().run()
    at.button(key="mock_next").click().run()
    assert "Question 2 of 2" in at.caption[0].value
    assert [s["autoplay"] for s in speakers(at)] == [True]


def test_mock_autoplay_default_from_settings_and_off(app, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_TTS_AUTOPLAY_MOCK", "1")
    at = app.switch_page(MOCK).run()
    assert at.checkbox(key="mock_autoplay").value is True
    start_mock(at, read_aloud=False)
    assert [s["autoplay"] for s in speakers(at)] == [False]


def test_api_backend_plays_cached_audio_and_failures_warn(app, monkeypatch, tmp_path):
    audio = wav_bytes()
    with FakeLLMServer() as fake:
        fake.enqueue(("audio", audio), ("status", 500))
        monkeypatch.setenv("INTERVIEWER_TTS_BACKEND", "api")
        monkeypatch.setenv("INTERVIEWER_TTS_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_TTS_CACHE", str(tmp_path / "tts"))
        at = choose(app.run())
        assert not speakers(at) and not at.get("audio")
        at.button(key=f"speak_0_{QID}").click().run()
        assert not at.exception
        assert len(at.get("audio")) == 1
        assert fake.requests[0]["input"] == load_bank().questions[QID].prompt
        at.run()  # the player stays, from the cache
        assert len(at.get("audio")) == 1 and len(fake.requests) == 1
        at.selectbox(key="practice_question").set_value("shadow-deployment-search-ranker").run()
        at.button(key="speak_0_shadow-deployment-search-ranker").click().run()
    assert not at.exception
    assert any(w.value.startswith("Cannot read the question aloud: the speech server failed") for w in at.warning)


def test_settings_save_speech_fields_without_the_key(app, settings_file):
    at = app.switch_page(SETTINGS).run()
    assert speakers(at)[0]["label"] == "🔊 Try this voice"  # and the browser's voice list
    at.text_input(key="settings_api_key").input(KEY).run()
    at.radio(key="settings_tts_backend").set_value("api").run()
    at.text_input(key="settings_tts_voice").input("nova").run()
    at.slider(key="settings_tts_rate").set_value(1.5).run()
    at.text_input(key="settings_tts_model").input("kokoro").run()
    at.text_input(key="settings_tts_base_url").input("http://127.0.0.1:8880/v1").run()
    at.checkbox(key="settings_tts_autoplay").check().run()
    at.button(key="settings_save").click().run()
    assert not at.exception
    text = settings_file.read_text()
    saved = json.loads(text)
    assert {k: v for k, v in saved.items() if k.startswith("tts_")} == {
        "tts_backend": "api",
        "tts_voice": "nova",
        "tts_rate": 1.5,
        "tts_model": "kokoro",
        "tts_base_url": "http://127.0.0.1:8880/v1",
        "tts_autoplay_mock": True,
    }
    assert KEY not in text
    fresh = new_app().switch_page(MOCK).run()
    assert fresh.checkbox(key="mock_autoplay").value is True


def test_each_quiz_question_has_a_listen_control_with_its_options(app):
    from interviewer.coaching import quiz

    at = app.switch_page("interviewer/ui/pages/quiz.py").run()
    at.number_input(key="quiz_count").set_value(3).run()
    at.button(key="quiz_start").click().run()
    assert not at.exception
    rnd = quiz.Round.model_validate_json(at.session_state["quiz_round"])
    bank = load_bank()
    expected = []
    for item in rnd.items:
        q = bank.quiz[item.quiz_id]
        expected.append(f"{q.question} The options: {'; '.join(q.options[o].text for o in item.order)}.")
    assert [s["text"] for s in speakers(at)] == expected
