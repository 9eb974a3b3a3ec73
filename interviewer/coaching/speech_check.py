"""Checking a transcript against the speech that was heard: no word may be lost in silence.

Whisper sometimes stops early inside a 30 s window and stretches the last word over the rest of it
(issue 21: "it." from 14.9 s to 30.0 s, and 15 s of speech gone). So the voice activity detector's
speech spans are compared with the words' time stamps, a word counting for at most `MAX_WORD_S`; speech
with no word on it is transcribed again, and what still has none is reported with its time range.
Pure functions over time spans, so they are tested without audio.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from pydantic import BaseModel

MAX_WORD_S = 1.5  # no spoken word takes longer; a longer time stamp hides lost speech
SLACK_S = 0.4  # word time stamps are this far off, either way
MIN_GAP_S = 1.0  # speech without words for this long has lost a word or more


class Span(BaseModel):
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def label(self) -> str:
        """The span as the candidate sees it on a player: "0:21-0:48"."""
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def merge(spans: Iterable[Span], within: float = 0.0) -> list[Span]:
    """Spans sorted and joined where they overlap or are less than `within` seconds apart."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: s.start):
        if out and s.start - out[-1].end < within:
            out[-1] = Span(start=out[-1].start, end=max(out[-1].end, s.end))
        else:
            out.append(Span(start=s.start, end=s.end))
    return out


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """The parts of `spans` that no span of `holes` covers."""
    out = []
    for s in spans:
        pieces = [s]
        for h in holes:
            if h.end <= s.start or h.start >= s.end:
                continue
            nxt = []
            for p in pieces:
                if h.start > p.start:
                    nxt.append(Span(start=p.start, end=min(h.start, p.end)))
                if h.end < p.end:
                    nxt.append(Span(start=max(h.end, p.start), end=p.end))
            pieces = [p for p in nxt if p.end > p.start]
        out += pieces
    return out


def word_spans(words: Iterable) -> list[Span]:
    """The time each word really covers: its stamp, cut to MAX_WORD_S, widened by SLACK_S each side."""
    return merge(Span(start=w.start - SLACK_S, end=min(w.end, w.start + MAX_WORD_S) + SLACK_S) for w in words)


def uncovered(speech: list[Span], words: list, min_gap: float = MIN_GAP_S) -> list[Span]:
    """Speech with no word on it, in stretches of `min_gap` seconds or more."""
    return [s for s in subtract(speech, word_spans(words)) if s.seconds >= min_gap]


def speaking_seconds(speech: list[Span], pause_s: float) -> float:
    """Time spent speaking: the speech spans, with the short breaths between them counted as speaking
    (they are part of any pace) and silences of `pause_s` or more left out (they are reported as pauses)."""
    return round(sum(s.seconds for s in merge(speech, within=pause_s)), 1)


def pauses(speech: list[Span], pause_s: float) -> list[float]:
    """Silences between stretches of speech, `pause_s` or longer."""
    return [round(b.start - a.end, 1) for a, b in pairwise(speech) if b.start - a.end >= pause_s]
