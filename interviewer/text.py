"""Text normalisation, sentence splitting and keyword matching shared by graders."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

# Keep characters that carry meaning in deployment talk ("5%", "c++", "c#");
# everything else (hyphens, slashes, dots) becomes a space, so "blue-green",
# "blue/green" and "blue green" all normalise alike.
_NON_WORD = re.compile(r"[^a-z0-9%+#]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_SUFFIX = r"(?:s|es|d|ed|ing)?"


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.lower()).strip()


@lru_cache(maxsize=8192)
def term_pattern(term: str) -> re.Pattern[str]:
    """A regex for one keyword term over normalised text.

    Each word tolerates a plural or simple verb ending; words may be written
    apart or joined ("roll back", "rollback"); a trailing `*` matches any ending.
    """
    prefix = term.strip().endswith("*")
    words = normalise(term.rstrip("*")).split()
    if not words:
        return re.compile(r"(?!x)x")
    parts = [re.escape(w) for w in words]
    tail = r"[a-z0-9]*" if prefix else _SUFFIX
    body = r" ?".join(p + _SUFFIX for p in parts[:-1]) + (r" ?" if len(parts) > 1 else "") + parts[-1] + tail
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


def matches_group(normalised_text: str, group: list[str]) -> bool:
    return any(term_pattern(t).search(normalised_text) for t in group)


def matches_all(normalised_text: str, groups: list[list[str]]) -> bool:
    return all(matches_group(normalised_text, g) for g in groups)


@dataclass(frozen=True)
class Sentence:
    text: str
    norm: str


def sentences(answer: str) -> list[Sentence]:
    out = []
    for raw in _SENTENCE_END.split(answer):
        raw = raw.strip()
        if raw and normalise(raw):
            out.append(Sentence(raw, normalise(raw)))
    return out


def windows(sents: list[Sentence]) -> list[list[Sentence]]:
    """Single sentences first, then adjacent pairs: spoken answers often split one idea in two."""
    singles = [[s] for s in sents]
    pairs = [[a, b] for a, b in pairwise(sents)]
    return singles + pairs


def content_words(text: str) -> set[str]:
    return {w for w in normalise(text).split() if len(w) > 3 and w not in STOPWORDS}


STOPWORDS = frozenset(
    """
    about above after again against also because been before being below between both could
    does doing down during each from further have having here into just more most much must
    only other over same should some such than that their them then there these they this
    those through under until very what when where which while will with would your yours
    make makes made want like really thing things well know
    """.split()
)
