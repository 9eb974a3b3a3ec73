"""Every untrusted input has a limit with a clear message: drafts and the answer box, audio by its decoded length,
read-aloud responses and their cache, and requests per account on a shared deployment."""

from __future__ import annotations

import os
import struct

import numpy as np
import pytest

from interviewer.coaching import speech, tts
from interviewer.coaching.answers import MAX_ANSWER_CHARS
from interviewer.history.store import Store

from ..conftest import QID, choose
from ..fake_llm import FakeLLMServer
from .test_exposure_and_identity import signed_in

ANSWER = "A canary sends 5% of traffic to the new model first, then ramps up."

# --- drafts and the answer box ----------------------------------------------------------------------------------


def test_the_store_refuses_an_oversized_draft(isolated_env):
    from interviewer.history.store import MAX_DRAFT_CHARS, DraftTooLong

    store = Store.open(isolated_env / "history.db").for_profile("default")
    with pytest.raises(DraftTooLong, match=r"The draft is 20,000,001 characters long; only 25,000 are kept"):
        store.save_draft("practice:q:main", "x" * 20_000_001)
    assert store.draft("practice:q:main") is None
    store.save_draft("practice:q:main", "x" * MAX_DRAFT_CHARS)  # up to the limit is fine


def test_the_answer_box_shows_its_limit_and_keeps_no_more(app, isolated_env):
    at = choose(app)
    box = at.text_area(key=f"answer_{QID}")
    assert box.proto.max_chars == MAX_ANSWER_CHARS == 20_000
    box.set_value("x" * 100_000).run()  # past max_chars: what a modified browser could still send
    assert not at.exception
    draft = Store.open(isolated_env / "history.db").for_profile("default").draft(f"practice:{QID}:main")
    assert len(draft) == MAX_ANSWER_CHARS  # Streamlit cuts the value at max_chars before the draft is saved


# --- audio: the decoded length, not the declared one ---------------------------------------------------------------


def webm(path, seconds: float, declared_s: float | None = None) -> None:
    """Opus audio in WebM (a browser recording), optionally with a forged Duration element."""
    import av

    rate = 48_000
    with av.open(str(path), "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=rate)
        stream.layout = "mono"
        t = np.arange(int(seconds * rate)) / rate
        frame = av.AudioFrame.from_ndarray(
            (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    if declared_s is not None:
        data = path.read_bytes()
        at = data.index(b"\x44\x89\x88")  # Segment Info > Duration, an 8-byte float in milliseconds
        path.write_bytes(data[: at + 3] + struct.pack(">d", declared_s * 1000) + data[at + 11 :])


def test_audio_is_measured_by_decoding_not_by_what_it_declares(tmp_path, monkeypatch):
    monkeypatch.setattr(speech, "MAX_SECONDS", 5)
    forged = tmp_path / "answer.webm"
    webm(forged, 12, declared_s=1)
    with pytest.raises(speech.AudioError, match=r"answer\.webm: 0\.1 minutes long; the limit is 0 minutes"):
        speech.probe(forged)
    honest = tmp_path / "short.webm"
    webm(honest, 3)
    assert 2.9 < speech.probe(honest) < 3.1


def test_decoding_stops_once_past_the_limit(tmp_path):
    import av

    path = tmp_path / "long.webm"
    webm(path, 12)
    with av.open(str(path)) as container:
        seconds = speech.decoded_seconds(container, container.streams.audio[0], limit=2)
    assert 2 < seconds < 2.2  # the other 10 s were never decoded


# --- read-aloud responses and the cache ----------------------------------------------------------------------------


def test_an_oversized_tts_response_is_refused(tmp_path):
    with FakeLLMServer() as fake:
        fake.enqueue(("audio", b"RIFF" + b"\0" * 2_000_000))
        speaker = tts.APISpeaker(base_url=fake.base_url, cache=tmp_path, max_audio_bytes=1_000_000)
        with pytest.raises(tts.TTSError, match=r"sent more than 1 MB of audio for one question"):
            speaker.speak("Why canary?")
    assert list(tmp_path.iterdir()) == []  # nothing cached


def test_the_tts_cache_keeps_its_size_by_dropping_the_least_recently_used(tmp_path):
    cache = tmp_path / "tts"
    with FakeLLMServer() as fake:
        fake.enqueue(*[("audio", b"RIFF" + bytes([n]) * 400_000) for n in range(3)])
        speaker = tts.APISpeaker(base_url=fake.base_url, cache=cache, max_cache_bytes=1_000_000)
        first, second, third = (speaker.path_for(t) for t in ("one", "two", "three"))
        speaker.speak("one")
        os.utime(first, (1, 1))
        speaker.speak("two")
        os.utime(second, (2, 2))
        speaker.speak("one")  # from the cache: now the most recently used
        speaker.speak("three")
    assert first.exists() and third.exists() and not second.exists()
    assert sum(f.stat().st_size for f in cache.iterdir()) <= 1_000_000
    assert len(fake.requests) == 3


# --- requests per account on a shared deployment ---------------------------------------------------------------------


def test_grading_is_rate_limited_per_account_when_hosted(isolated_env, monkeypatch):
    from interviewer.coaching import limits

    monkeypatch.setattr(limits, "GRADING", limits.RateLimiter("answers graded", 2, 600))
    ada = {"iss": "https://idp.test", "sub": "ada-1"}
    questions = ["canary-vs-blue-green", "shadow-deployment-search-ranker", "ab-test-recommender-watch-time"]
    for n, qid in enumerate(questions):
        at = choose(signed_in(ada), qid)
        at.text_area(key=f"answer_{qid}").input(f"{ANSWER} ({n})").run()
        at.button(key="submit").click().run()
        assert not at.exception
    assert any("limit of 2 answers graded in 10 minutes" in w.value for w in at.warning)
    assert at.text_area(key=f"answer_{questions[2]}").value == f"{ANSWER} (2)"  # the text is kept
    store = Store.open(isolated_env / "history.db")
    assert [store.for_profile(p).count_attempts() for p in store.profiles()] == [2]
    bob = choose(signed_in({"iss": "https://idp.test", "sub": "bob-2"}))  # another account has its own budget
    bob.text_area(key=f"answer_{QID}").input(ANSWER).run()
    bob.button(key="submit").click().run()
    assert not any("limit of" in w.value for w in bob.warning) and bob.metric


def test_the_limiter_counts_a_sliding_window():
    from interviewer.coaching import limits

    limiter = limits.RateLimiter("drafting requests", 2, 3600)
    limiter.take("ada", now=0)
    limiter.take("ada", now=10)
    with pytest.raises(limits.RateLimited, match=r"try again in 59 min 40 s"):
        limiter.take("ada", now=20)
    limiter.take("bob", now=20)
    limiter.take("ada", now=3601)  # the first has left the window
