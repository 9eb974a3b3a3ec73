"""Spoken forms of technical terms, written the way people type them: "p ninety-nine" -> "p99",
"five percent" -> "5%", "k eights" -> "k8s", "onyx" -> "ONNX", "G P U" -> "GPU".

A transcript and a typed answer that say the same thing must grade the same, so the transcriber writes
its text through `written()`, and `text.normalise()` does too (for typed "five percent", and for rubric
keywords, which must stay in step with the answers they are matched against). Only the standard library:
every layer may import this.

Every rule is safe on text that is already written: it leaves a typed answer's terms as they are, and
`written(written(t)) == written(t)`. Small numbers ("one", "two") become digits only before a unit or
after "p", since "one of the two models" must stay words; "ten" and above become digits, as people type.
"""

from __future__ import annotations

import re
from functools import lru_cache

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_NUM = "|".join(sorted([*_UNITS, *_TENS, *_SCALES], key=len, reverse=True))
_SEP = r"(?:\s*-\s*|\s+)"  # "ninety-nine", "ninety nine", and Whisper's "ninety -nine"
_RUN = re.compile(rf"\b(?:a\s+)?(?:{_NUM})(?:{_SEP}(?:{_NUM}|and|point))*\b", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    r"\s*(?:%|per\s?cent\b|percent\b|ms\b|milli\s?seconds?\b|seconds?\b|minutes?\b|hours?\b|days?\b|weeks?\b"
    r"|[gmt]b\b|(?:giga|mega|tera)bytes?\b|times\b)",
    re.IGNORECASE,
)
_P_BEFORE = re.compile(r"\bp[\s.-]*$", re.IGNORECASE)


def _parse(words: list[str]) -> tuple[float | int, int] | None:
    """The number that `words` start with, and how many words it takes; None if they start none.

    "two hundred and fifty" -> 250, "ninety nine point nine" -> 99.9, "a hundred" -> 100. It stops
    where the words stop making one number: "twenty five fifty" is 25, then 50.
    """
    total, current, last, i = 0, 0, None, 0  # last: the kind of the word before
    if words[0] == "a":
        if len(words) < 2 or words[1] not in _SCALES:
            return None
        current, last, i = 1, "unit", 1
    while i < len(words):
        w = words[i]
        if w in _UNITS and (last in (None, "scale", "and") or (last == "tens" and _UNITS[w] < 10)):
            current += _UNITS[w]
            last = "unit"
        elif w in _TENS and last in (None, "scale", "and"):
            current += _TENS[w]
            last = "tens"
        elif w in _SCALES and last in ("unit", "tens") and (w != "hundred" or current < 100):
            if w == "hundred":
                current *= 100
            else:
                total, current = total + current * _SCALES[w], 0
            last = "scale"
        elif (
            w == "and" and last == "scale" and i + 1 < len(words) and (words[i + 1] in _UNITS or words[i + 1] in _TENS)
        ):
            last = "and"
        else:
            break
        i += 1
    if last in (None, "and"):
        return None
    value: float | int = total + current
    j, digits = i + 1, []  # "point two five": decimals are read one digit at a time
    while i < len(words) and words[i] == "point" and j < len(words) and _UNITS.get(words[j], 10) < 10:
        digits.append(str(_UNITS[words[j]]))
        j += 1
    if digits:
        return float(f"{value}.{''.join(digits)}"), j
    return value, i


def _numbers(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        raw = match.group(0)
        spans = [(w.start(), w.end()) for w in re.finditer(r"[A-Za-z]+", raw)]
        words = [raw[a:b].lower() for a, b in spans]
        out, cursor, pos = [], 0, 0
        while pos < len(words):
            parsed = _parse(words[pos:])
            if parsed is None:
                pos += 1
                continue
            value, used = parsed
            end = pos + used
            unit = end == len(words) and _UNIT_AFTER.match(text, match.end())
            percentile = pos == 0 and _P_BEFORE.search(text, 0, match.start())
            if isinstance(value, float) or value >= 10 or unit or percentile:
                out += [raw[cursor : spans[pos][0]], str(value)]
                cursor = spans[end - 1][1]
            pos = end
        return "".join([*out, raw[cursor:]])

    return _RUN.sub(convert, text)


# Letters spelled out one by one ("G P U", "P-S-I"); a leading "I" is the pronoun ("I A/B test").
_SPELLED = re.compile(r"\b(?!I\s)[A-Z](?:[\s.-][A-Z]\b){1,5}")
_DIGIT_RULES = [  # only where the text has a digit
    (re.compile(pattern, flags), replacement)
    for pattern, replacement, flags in [
        (r"(?<=\d),(?=\d{3}\b)", "", 0),  # "1,000" -> "1000"
        (r"(?<=\d)\s*(?:per\s?cent\b|%)", "%", re.IGNORECASE),  # "5 percent", "5 %" -> "5%"
        (r"(?<=\d)\s*(?:milli\s?seconds?|msecs?|ms)\b", " ms", re.IGNORECASE),  # "200ms", "200 milliseconds"
        (r"(?<=\d)\s*(?:gigabytes?|gb)\b", " GB", re.IGNORECASE),
        (r"(?<=\d)\s*(?:megabytes?|mb)\b", " MB", re.IGNORECASE),
        # "p 99", "P-99", "p. 99.9" -> "p99"; percentiles are 50 and up ("p 10" may be a page)
        (r"\bp[\s.-]*(?=(?:[5-9]\d|100)(?:\.\d+)?\b)", "p", re.IGNORECASE),
    ]
]
_RULES = [
    (re.compile(pattern, flags), replacement)
    for pattern, replacement, flags in [
        (r"\bk[\s-]?(?:8|eight)[\s-]?s\b|\bk[\s-]?eights\b|\bk8\b|\bkates\b", "k8s", re.IGNORECASE),
        (r"\bk[\s-]?(?:3|three)[\s-]?s\b", "k3s", re.IGNORECASE),
        (r"\bkuber\s?net(?:es|ies|is|ees)\b", "Kubernetes", re.IGNORECASE),
        (r"\b(?:onyx|onix)\b", "ONNX", re.IGNORECASE),  # how people say ONNX
        (r"\bC[\s.-]*I[\s.-]*(?:/|slash)?[\s.-]*C[\s.-]*D\b", "CI/CD", 0),
        (r"\bA[\s-]?B(?=[\s-]+test)", "A/B", 0),
        (r"\bM[\s.-]?L[\s-]+(?=flow\b|ops\b)", "ML", re.IGNORECASE),
    ]
]
# One cheap look for anything the rules above could change: most sentences have none, and graders call this a lot.
_MAYBE = re.compile(
    r"\bk[\s-]?(?:8|eight|3|three)|\bkates\b|\bkuber|\bon[yi]x\b|\bc[\s.-]*i[\s.-]*(?:/|slash)?[\s.-]*c[\s.-]*d\b"
    r"|\ba[\s-]?b[\s-]+test|\bm[\s.-]?l[\s-]+(?:flow|ops)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# Whisper hears "rolled back" as "rolled my" where a clause ends and "my" can own nothing.
_ROLLED_MY = re.compile(r"\b(roll(?:ed|s|ing)?) my\b(?=\s*(?:[.,;!?]|$|(?:to|if|when|and|automatically)\b))")


_WORD = re.compile(r"[a-z]+")
_NUMBER_WORDS = frozenset([*_UNITS, *_TENS, *_SCALES])


@lru_cache(maxsize=65536)  # graders normalise the same sentences and keywords many times over
def written(text: str) -> str:
    """`text` with spoken forms of numbers and technical terms in their written forms; other words untouched."""
    if not _NUMBER_WORDS.isdisjoint(_WORD.findall(text.lower())):
        text = _numbers(text)
    text = _SPELLED.sub(lambda m: re.sub(r"[\s.-]", "", m.group(0)), text)
    if _MAYBE.search(text):
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
    if _DIGIT.search(text):
        for pattern, replacement in _DIGIT_RULES:
            text = pattern.sub(replacement, text)
    return _ROLLED_MY.sub(r"\1 back", text)
