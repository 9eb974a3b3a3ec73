"""What a sentence of an answer claims, shared by every grader.

- A sentence that states a misconception (all of its keyword groups in that one sentence) earns nothing and
  caps its criterion; a `core` misconception caps the whole answer.
- A bare list of terms is not an answer: a sentence of short comma-separated items, a line of a few words,
  or a run of words with hardly any function words ("canary rollback p99 drift onnx ...") earns nothing.
- A question ("should we use a canary?") asserts nothing either.
- A point is explained, not only named, when the sentence that makes it (or the next one) gives its why or
  how: one of the point's `why` cues, or a number, or a causal link ("because", "so that", "otherwise").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..models import Criterion, KeyPoint, Misconception, WrongClaim
from ..text import Sentence, group_pattern, matches_all, matches_group

LIST_ITEMS = 4  # comma-separated items from which a sentence of short items is a list
SHORT_ITEM_WORDS = 3
# A run of terms: few function words ("of", "the", "we", "is"...) over many words. Spoken sentences have
# 35-50% of them; a terse technical sentence ("ONNX Runtime with TensorRT, FP16, dynamic batching") can have
# under 10%, but is short.
SOUP = ((12, 0.08), (20, 0.16), (25, 0.2))  # (at least this many words, under this share of function words)
FUNCTION_WORDS = frozenset(
    """a an the to of in on at for with by from as and or but so if then than that this these those it its
    is are was were be been being am do does did have has had will would can could should may might must
    i we you they he she me us them my our your their which who what when where why how not no there
    because since while after before into over under about also just very only""".split()
)
CAUSAL = re.compile(
    r"\b(because|since|so that|which means|that means|otherwise|in order to|that way|the reason|due to|"
    r"as a result|which is why|so we|so it|so the|so you|so i|to avoid|to prevent|instead of|whereas|"
    r"trade ?off|at the cost|the cost|the downside|the catch|but then)\b"
)
NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Said:
    """One sentence with what it does: `asserts` False for lists and questions."""

    sentence: Sentence
    asserts: bool


def is_term_list(sentence: Sentence) -> bool:
    words = sentence.norm.split()
    items = [p.strip() for p in re.split(r"[,;•·]| - |\t", sentence.text) if p.strip()]
    if len(items) >= LIST_ITEMS and all(len(p.split()) <= SHORT_ITEM_WORDS for p in items):
        return True
    function = sum(w in FUNCTION_WORDS for w in words)
    return any(len(words) >= n and function < share * len(words) for n, share in SOUP)


def classify(said: list[Sentence]) -> list[Said]:
    """Which sentences assert something. A bare line of one to three words among many such lines is a
    bullet of a list, not a sentence."""
    short = sum(len(s.norm.split()) <= SHORT_ITEM_WORDS for s in said)
    bullets = len(said) >= LIST_ITEMS and short >= 0.6 * len(said)
    out = []
    for s in said:
        asserts = not is_term_list(s) and not s.text.rstrip().endswith("?")
        if bullets and len(s.norm.split()) <= SHORT_ITEM_WORDS:
            asserts = False
        out.append(Said(s, asserts))
    return out


NEGATIONS = frozenset("not never unlike no nor neither without rather".split())
# Words before the claim's first keyword, and after its last, that can deny it: "Blue-green, unlike a canary,
# sends all traffic at once"; "Disabling the cache won't make builds faster". A wider window after it would
# also swallow real claims ("disable the cache so we never get stale layers").
BEFORE, AFTER = 3, 2


def _negated(words: list[str]) -> bool:
    # "isn't", "won't" normalise to "isn t", "won t".
    return any(w in NEGATIONS or (w == "t" and i and words[i - 1].endswith("n")) for i, w in enumerate(words))


def negated(norm: str) -> bool:
    """Whether a normalised sentence has a negation anywhere in it."""
    return _negated(norm.split())


def states(misconception: Misconception | KeyPoint, sentence: Sentence) -> bool:
    norm = sentence.norm
    if not matches_all(norm, misconception.keywords):
        return False
    spans = sorted(group_pattern(tuple(g)).search(norm).span() for g in misconception.keywords)
    start, end = spans[0][0], max(b for _, b in spans)
    # Between the claim's own keywords too: "disabling the cache won't make builds faster".
    between = " ".join(norm[a_end:b_start] for (_, a_end), (b_start, _) in pairwise(spans))
    return not any(
        _negated(words)
        for words in (norm[:start].split()[-BEFORE - 1 :], between.split(), norm[end:].split()[: AFTER + 1])
    )


def wrong_claims(criterion: Criterion, said: list[Said]) -> list[tuple[Misconception, int]]:
    """The criterion's misconceptions that a sentence of the answer states, with that sentence's index."""
    found = []
    for m in criterion.misconceptions:
        for i, s in enumerate(said):
            if s.asserts and states(m, s.sentence):
                found.append((m, i))
                break
    return found


def as_wrong_claim(m: Misconception, sentence: Sentence) -> WrongClaim:
    return WrongClaim(claim=m.claim, why=m.why, quote=sentence.text)


def explained(point: KeyPoint, sentences: list[Sentence]) -> bool:
    """Whether these sentences (the one that makes the point and the next) give its why or how."""
    for s in sentences:
        if any(matches_group(s.norm, [cue]) for cue in point.why):
            return True
    first = sentences[0].norm if sentences else ""
    return bool(NUMBER.search(first) or CAUSAL.search(first))


def wants_depth(criterion: Criterion) -> bool:
    """Depth is graded where the rubric says what shows it (the built-in bank; drafted rubrics do not)."""
    return any(p.why for p in criterion.key_points)
