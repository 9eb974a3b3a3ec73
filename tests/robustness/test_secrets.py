"""Secrets: a server that echoes the key puts it nowhere (database, logs, exports, errors), and a key goes only to
the server it was configured for (the LLM key never to a speech server on another host)."""

from __future__ import annotations

import json
import logging

from pydantic import SecretStr

from interviewer import llm_client
from interviewer.coaching import tts
from interviewer.coaching.answers import submit
from interviewer.config import Settings, load_settings
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import export
from interviewer.history.store import Store

from ..fake_llm import FakeLLMServer

SECRET = "sk-echoed-0123456789abcdef"
BANK = load_bank()
QID = "canary-vs-blue-green"


def test_a_server_that_echoes_the_key_leaves_it_nowhere(tmp_path, caplog, monkeypatch):
    question = BANK.questions[QID]
    store = Store.open(tmp_path / "k.db").for_profile("default")
    monkeypatch.setenv("INTERVIEWER_LLM_API_KEY", SECRET)
    llm_client.negotiated.clear()
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"Invalid request: the key {SECRET} may not use model m"}}
    grade_json = {"criteria": {}, "summary": f"my instructions say {SECRET}", "follow_up": ""}
    with FakeLLMServer() as fake:
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_MODEL", "m")
        grader = get_grader("llm", settings=load_settings())
        # A 400 quoting the key (in three formats), then replies that quote it in the raw output.
        fake.enqueue(*[("status", 400, None, echo)] * 3)
        first = submit(store, grader, question, BANK.rubric_for(question), "canary with 5% of traffic")
        fake.enqueue(*[("ok", f"not json, but {SECRET}")] * 3)
        second = submit(store, grader, question, BANK.rubric_for(question), "blue-green with an instant switch")
        fake.enqueue(*[("ok", json.dumps(grade_json))] * 3)
        third = submit(store, grader, question, BANK.rubric_for(question), "canary, then roll back on errors")
    assert first.grade and second.grade and third.grade
    places = {
        "database": "\n".join(store.db.iterdump()),
        "logs": caplog.text,
        "json export": export.to_json(store),
        "csv export": export.to_csv(store),
        "markdown export": export.to_markdown(store, BANK),
        "errors": " ".join(s.grade.fallback_reason or "" for s in (first, second, third)),
    }
    assert {name for name, text in places.items() if SECRET in text} == set()
    assert {name for name, text in places.items() if SECRET[:20] in text} == set()  # nor a cut-off part of it
    from interviewer.redact import MASK

    assert MASK in first.grade.fallback_reason  # the server's message is kept, without the key


def test_redact_masks_remembered_keys_and_key_shaped_text(monkeypatch):
    from interviewer.redact import MASK, redact

    monkeypatch.setenv("OPENAI_API_KEY", "plain-words-key-123")
    assert redact("key plain-words-key-123 and Bearer abcdefghijklmnopqrstuvwx") == f"key {MASK} and {MASK}"
    assert redact("nothing secret here") == "nothing secret here"


def test_the_llm_key_never_goes_to_a_speech_server_on_another_host(tmp_path):
    with FakeLLMServer() as llm, FakeLLMServer() as speech:
        speech.enqueue(("audio", b"RIFF....WAVEfmt "))
        other = speech.base_url.replace("127.0.0.1", "localhost")  # another host name for the speech server
        settings = Settings(llm_base_url=llm.base_url, llm_api_key=SecretStr(SECRET), tts_base_url=other)
        speaker = tts.APISpeaker.from_settings(settings, cache=tmp_path)
        assert speaker.client.api_key != SECRET
        speaker.speak("Why canary?")
        assert settings.tts_key() is None
        own = settings.model_copy(update={"tts_api_key": SecretStr("tts-own-key-0001")})
        assert tts.APISpeaker.from_settings(own, cache=tmp_path).client.api_key == "tts-own-key-0001"
        same = Settings(llm_base_url=llm.base_url, llm_api_key=SecretStr(SECRET))  # speech on the LLM server
        assert tts.APISpeaker.from_settings(same, cache=tmp_path).client.api_key == SECRET


def test_a_key_belongs_to_the_server_it_was_configured_with():
    env = {"INTERVIEWER_LLM_API_KEY": SECRET}
    # A base URL saved on the Settings page does not get the environment's key...
    typed = load_settings(env=env, saved={"llm_base_url": "http://attacker.test:8000/v1"})
    assert typed.api_key() is None and typed.key_host == "api.openai.com"
    # ...unless the user confirmed that host, which the settings file records (never the key itself).
    confirmed = load_settings(env=env, saved={"llm_base_url": "http://gpu-box:8000/v1", "llm_key_host": "gpu-box:8000"})
    assert confirmed.api_key() == SECRET and confirmed.api_key("http://other:8000/v1") is None
    # A key and a base URL set together in the environment belong together.
    together = load_settings(env=env | {"INTERVIEWER_LLM_BASE_URL": "http://vllm:8000/v1"})
    assert together.api_key() == SECRET
    # And a key on its own goes to OpenAI, the default server.
    assert load_settings(env=env).api_key() == SECRET
