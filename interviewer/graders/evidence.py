"""Evidence checks shared by every grader: is a quote really in the answer, and does it support its criterion?

A level above 1 needs at least one verified, relevant quote; otherwise it is
capped at 1 and the criterion says why. This is what keeps a grader (or an
answer that tries to talk one into it) from inflating a score.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from ..models import Criterion, CriterionGrade, Evidence
from ..text import content_words, matches_all, normalise

MIN_QUOTE_WORDS = 3
FUZZY_RATIO = 0.9
CAP_LEVEL = 1
MIN_SHARED = 0.4  # share of a quote's content words that must come from the criterion


def quote_in_answer(quote: str, answer: str) -> bool:
    """True if the quote appears in the answer, ignoring case, punctuation and small slips."""
    q, a = normalise(quote), normalise(answer)
    if not q:
        return False
    if f" {q} " in f" {a} ":
        return True
    q_words, a_words = q.split(), a.split()
    if len(q_words) < MIN_QUOTE_WORDS or len(q_words) > len(a_words):
        return False
    n = len(q_words)
    for start in range(len(a_words) - n + 1):
        matcher = SequenceMatcher(None, q, " ".join(a_words[start : start + n]), autojunk=False)
        if matcher.quick_ratio() >= FUZZY_RATIO and matcher.ratio() >= FUZZY_RATIO:
            return True
    return False


def quote_relevant(quote: str, criterion: Criterion) -> bool:
    """A quote supports a criterion if it says something from one of its key points."""
    norm = normalise(quote)
    if any(matches_all(norm, point.keywords) for point in criterion.key_points):
        return True
    # Otherwise most of what the quote says must be about this criterion: a list of buzzwords that
    # happens to name a few of its terms is not evidence.
    words = content_words(quote)
    vocab = set().union(*(content_words(p.text) for p in criterion.key_points), content_words(criterion.description))
    shared = len(words & vocab)
    return shared >= 2 and shared >= MIN_SHARED * len(words)


def check(grade: CriterionGrade, criterion: Criterion, answer: str) -> CriterionGrade:
    """Verify each quote and cap an unsupported level, then make the feedback consistent. Returns a new
    CriterionGrade."""
    wrong = {normalise(w.quote) for w in grade.wrong_claims}
    seen: set[str] = set()
    evidence = []
    for e in grade.evidence:
        key = normalise(e.quote)
        if key in seen or key in wrong:  # the same sentence twice, or a wrong claim, is no evidence
            continue
        seen.add(key)
        evidence.append(
            Evidence(
                quote=e.quote, verified=quote_in_answer(e.quote, answer), relevant=quote_relevant(e.quote, criterion)
            )
        )
    level, notes = grade.level, list(grade.notes)
    if level > CAP_LEVEL and not any(e.verified and e.relevant for e in evidence):
        notes.append(f"level {level} capped at {CAP_LEVEL}: no quote from the answer supports this criterion")
        level = CAP_LEVEL
    unverified = sum(not e.verified for e in evidence)
    if unverified:
        notes.append(f"{unverified} quote(s) not found in the answer")
    return consistent(grade.model_copy(update={"evidence": evidence, "level": level, "notes": notes}), criterion)


def _said(point_text: str, criterion: Criterion, quotes: list[str]) -> bool:
    """Whether a verified quote states the rubric point with this text (so it cannot also be 'missed')."""
    point = next((p for p in criterion.key_points if normalise(p.text) == normalise(point_text)), None)
    return point is not None and any(matches_all(normalise(q), point.keywords) for q in quotes)


def consistent(grade: CriterionGrade, criterion: Criterion) -> CriterionGrade:
    """Feedback that never contradicts itself: no 4/4 with a must-have missed, no "missed" or "could add" for
    a point a verified quote says, and every level below 4 says what it lacks."""
    quotes = [e.quote for e in grade.evidence if e.verified]
    missed = [m for m in grade.missed if not _said(m, criterion, quotes)]
    optional = [m for m in grade.missed_optional if not _said(m, criterion, quotes)]
    must_texts = {normalise(p.text) for p in criterion.must_have}
    level, notes = grade.level, list(grade.notes)
    if level == 4 and any(normalise(m) in must_texts for m in missed):
        notes.append("level 4 lowered to 3: a must-have point is missing")
        level = 3
    says_why = any(n.startswith(("named", "level", "for ")) for n in notes)
    if level < 4 and not (missed or optional or says_why or grade.wrong_claims or grade.red_flags):
        notes.append(f"for {level + 1}/4: {criterion.anchors[level + 1]}")
    return grade.model_copy(update={"level": level, "missed": missed, "missed_optional": optional, "notes": notes})
