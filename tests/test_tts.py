"""Text to speech through an OpenAI-compatible /v1/audio/speech server (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import io
import json
import wave

import pytest

from interviewer.coaching import tts
from interviewer.config import ENV, Settings, load_settings, save_settings

from .fake_llm import FakeLLMServer

KEY = "sk-tts-secret-never-stored"
QUESTION = 'How would you roll back a "bad" model? </script> 🚀'


def wav_bytes(seconds: float = 0.1) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return buf.getvalue()


@pytest.fixture
def fake():
    with FakeLLMServer() as server:
        yield server


def speaker(fake: FakeLLMServer, cache, **kw) -> tts.APISpeaker:
    return tts.APISpeaker(base_url=fake.base_url, api_key=KEY, cache=cache, **kw)


def test_speech_request_and_audio(fake, tmp_path):
    audio = wav_bytes()
    fake.enqueue(("audio", audio))
    got = speaker(fake, tmp_path, model="kokoro", voice="af_bella").speak(QUESTION)
    assert got == audio and tts.audio_mime(got) == "audio/wav"
    assert fake.paths == ["/v1/audio/speech"]
    assert fake.requests == [{"model": "kokoro", "voice": "af_bella", "input": QUESTION}]


def test_defaults_and_speed(fake, tmp_path):
    fake.enqueue(("audio", wav_bytes()))
    speaker(fake, tmp_path, speed=1.5).speak("Hello")
    assert fake.requests == [{"model": "tts-1", "voice": "alloy", "input": "Hello", "speed": 1.5}]


def test_second_call_is_served_from_the_cache(fake, tmp_path):
    audio = wav_bytes()
    fake.enqueue(("audio", audio), ("audio", wav_bytes(0.2)))
    assert speaker(fake, tmp_path).speak(QUESTION) == audio
    assert speaker(fake, tmp_path).speak(QUESTION) == audio  # a new speaker, as after a restart
    assert len(fake.requests) == 1
    speaker(fake, tmp_path, voice="nova").speak(QUESTION)  # another voice is another entry
    assert len(fake.requests) == 2
    assert len(list(tmp_path.iterdir())) == 2


def test_cache_dir_from_the_environment(fake, tmp_path, monkeypatch):
    monkeypatch.setenv(tts.CACHE_ENV, str(tmp_path / "tts-cache"))
    fake.enqueue(("audio", wav_bytes()))
    tts.APISpeaker(base_url=fake.base_url).speak("Hello")
    assert len(list((tmp_path / "tts-cache").iterdir())) == 1


def test_the_key_never_reaches_the_cache(fake, tmp_path):
    fake.enqueue(("audio", wav_bytes()), ("status", 401))
    speaker(fake, tmp_path).speak(QUESTION)
    with pytest.raises(tts.TTSError) as err:
        speaker(fake, tmp_path).speak("Another question")
    assert KEY not in str(err.value)
    files = list(tmp_path.rglob("*"))
    assert files
    for f in files:
        assert KEY not in f.name
        assert KEY.encode() not in f.read_bytes()


def test_server_error_is_a_clear_tts_error(fake, tmp_path):
    fake.enqueue(("status", 500))
    with pytest.raises(tts.TTSError, match=r"^the speech server failed: 127\.0\.0\.1:\d+ answered HTTP 500$"):
        speaker(fake, tmp_path).speak(QUESTION)
    assert not list(tmp_path.iterdir())  # nothing cached from a failure


def test_timeout_is_a_clear_tts_error(fake, tmp_path):
    fake.enqueue(("hang", 3))
    with pytest.raises(tts.TTSError, match=r"did not answer within 0\.5 s"):
        speaker(fake, tmp_path, timeout=0.5).speak(QUESTION)


def test_no_server_is_a_clear_tts_error(tmp_path):
    with pytest.raises(tts.TTSError, match=r"cannot connect to 127\.0\.0\.1:9 \(is the server running\?\)"):
        tts.APISpeaker(base_url="http://127.0.0.1:9/v1", cache=tmp_path).speak(QUESTION)


def test_empty_audio_and_bad_text(fake, tmp_path):
    fake.enqueue(("audio", b""))
    with pytest.raises(tts.TTSError, match="sent no audio"):
        speaker(fake, tmp_path).speak(QUESTION)
    with pytest.raises(tts.TTSError, match="no text"):
        speaker(fake, tmp_path).speak("   ")
    with pytest.raises(tts.TTSError, match="too long"):
        speaker(fake, tmp_path).speak("x" * (tts.MAX_CHARS + 1))
    assert len(fake.requests) == 1


def test_from_settings_falls_back_to_the_llm_server(tmp_path):
    from pydantic import SecretStr

    settings = Settings(
        llm_base_url="http://127.0.0.1:8080/v1", llm_api_key=SecretStr(KEY), tts_voice="nova", tts_rate=1.2
    )
    s = tts.APISpeaker.from_settings(settings, cache=tmp_path)
    assert (s.host, s.model, s.voice, s.speed) == ("127.0.0.1:8080", "tts-1", "nova", 1.2)
    own = settings.model_copy(update={"tts_base_url": "http://localhost:8880/v1", "tts_model": "kokoro"})
    s = tts.APISpeaker.from_settings(own, cache=tmp_path)
    assert (s.host, s.model) == ("localhost:8880", "kokoro")


def test_audio_formats():
    assert tts.audio_mime(b"OggS....") == "audio/ogg"
    assert tts.audio_mime(b"ID3\x04....") == "audio/mpeg"
    assert tts.audio_mime(b"fLaC....") == "audio/flac"


def test_tts_settings_from_the_environment_and_saved_without_the_key(tmp_path):
    env = {
        ENV["tts_backend"]: "api",
        ENV["tts_voice"]: "nova",
        ENV["tts_rate"]: "1.25",
        ENV["tts_autoplay_mock"]: "true",
        ENV["llm_api_key"]: KEY,
    }
    settings = load_settings(env=env)
    assert (settings.tts_backend, settings.tts_voice, settings.tts_rate, settings.tts_autoplay_mock) == (
        "api",
        "nova",
        1.25,
        True,
    )
    path = save_settings(settings, tmp_path / "settings.json")
    assert KEY not in path.read_text()
    assert load_settings(env={}, saved=json.loads(path.read_text())).tts_voice == "nova"
    with pytest.raises(ValueError, match="tts_rate"):
        load_settings(env={ENV["tts_rate"]: "5"})
    with pytest.raises(ValueError, match="tts_backend"):
        load_settings(env={ENV["tts_backend"]: "loud"})
