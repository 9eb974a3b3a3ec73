"""Text normalisation, sentence splitting and keyword matching shared by graders."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import spoken

# Keep characters that carry meaning in deployment talk ("5%", "c++", "c#");
# everything else (hyphens, slashes, dots) becomes a space, so "blue-green",
# "blue/green" and "blue green" all normalise alike.
_NON_WORD = re.compile(r"[^a-z0-9%+#]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_SUFFIX = r"(?:s|es|d|ed|ing)?"


def normalise(text: str) -> str:
    text = spoken.written(text)  # "five percent" reads as "5%", as typed
    if not text.isascii():  # accents off ("café" reads as "cafe"); ASCII has none, and this is the hot path
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.lower()).strip()


def _word_body(word: str) -> tuple[str, str]:
    """Regex body for one word, and the literal text every match of it contains."""
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[a-z0-9]*", word[:-1]
    if len(word) > 3 and word.endswith("e") and word[-2] not in "aeiou":
        # "scale" also matches "scales", "scaled", "scaling".
        return re.escape(word[:-1]) + r"(?:e(?:s|d)?|ing)", word[:-1]
    return re.escape(word) + _SUFFIX, word


def _term_words(term: str) -> list[tuple[str, str]]:
    """(regex body, literal) per word of one keyword term over normalised text.

    Each word tolerates a plural or simple verb ending; words may be written
    apart or joined ("roll back", "rollback"); a word ending in `*` matches any ending.
    """
    # Written forms first, over the whole term: "top five percent" must become "top 5%" as in the answer.
    term = spoken.written(term).lower()
    words = [normalise(w) + ("*" if w.endswith("*") else "") for w in re.split(r"[^\w*%+#]+", term)]
    return [_word_body(w) for w in words if w.strip("*")]


@lru_cache(maxsize=16384)
def _group_terms(group: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple(words) for words in map(_term_words, group) if words)


@lru_cache(maxsize=16384)
def group_pattern(group: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a keyword group: any of its terms, as a whole word or phrase."""
    bodies = [" ?".join(body for body, _ in words) for words in _group_terms(group)]
    if not bodies:
        return re.compile(r"(?!x)x")
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(bodies)})(?![a-z0-9])")


def matches_group(normalised_text: str, group: list[str] | tuple[str, ...]) -> bool:
    group = tuple(group)
    # Compiling a group's regex costs 1-200 ms (the bank has about 1,900 groups), and most groups never come
    # near a given answer: a term can only match where each of its words' literal text is present.
    if not any(all(lit in normalised_text for _, lit in words) for words in _group_terms(group)):
        return False
    return group_pattern(group).search(normalised_text) is not None


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


def content_words(text: str) -> set[str]:
    return {w for w in normalise(text).split() if len(w) > 3 and w not in STOPWORDS}


STOPWORDS = frozenset(
    """
    about above after again against also because been before being below between both could
    does doing down during each from further have having here into just more most much must
    only other over same should some such than that their them then there these they this
    those through under until very what when where which while will with would your yours
    make makes made want like really thing things well know
    the and for are was were you not but can has had its our all any how why who did one may
    """.split()
)
