"""The deterministic keyword grader: the offline fallback, and the grader the tests use.

Per criterion, a key point counts as covered when all of its keyword groups
match within one sentence of the answer (or two adjacent sentences); a red flag
only within one sentence, since a wrong claim is said in one. The level
follows the share of key points covered, must-haves counting double; a missing
must-have keeps the level below 4; each red flag said lowers it by one.
Runs of words copied from the question are left out: reading the question aloud
earns nothing.
"""

from __future__ import annotations

from ..models import Criterion, CriterionGrade, Evidence, Grade, KeyPoint, Question, Rubric
from ..text import Sentence, matches_group, normalise, sentences
from . import evidence
from .base import Grader, asked_text, register
from .followups import COVERED_LEVEL, Gap, asking_order, gaps, probe_for

MAX_QUOTES = 3
COPIED_RUN = 5  # this many words in a row, in the question's order, are the question's words, not the answer's


def strip_copied(said: list[Sentence], prompt: str) -> list[Sentence]:
    """The sentences with every run of COPIED_RUN or more words copied from the question taken out of what
    is matched (across sentence breaks, so reading it in fragments does not count either); a sentence left
    with nothing is dropped. Naming the question's terms in one's own sentence still counts."""
    asked = normalise(prompt).split()
    runs = {tuple(asked[i : i + COPIED_RUN]) for i in range(len(asked) - COPIED_RUN + 1)}
    if not runs:
        return said
    words = [(k, w) for k, s in enumerate(said) for w in s.norm.split()]
    copied = [False] * len(words)
    for i in range(len(words) - COPIED_RUN + 1):
        if tuple(w for _, w in words[i : i + COPIED_RUN]) in runs:
            copied[i : i + COPIED_RUN] = [True] * COPIED_RUN
    kept: dict[int, list[str]] = {}
    for (k, w), gone in zip(words, copied, strict=True):
        if not gone:
            kept.setdefault(k, []).append(w)
    return [Sentence(s.text, " ".join(kept[k])) for k, s in enumerate(said) if k in kept]


class AnswerIndex:
    """Which sentences each keyword group matches, computed once per answer and group. Words the answer
    copies from the question (its `prompt`) are not matched: they are the question's, not the candidate's."""

    def __init__(self, answer: str, prompt: str = ""):
        self.sentences = strip_copied(sentences(answer), prompt)
        self._hits: dict[tuple[str, ...], frozenset[int]] = {}

    def hits(self, group: list[str]) -> frozenset[int]:
        key = tuple(group)
        if key not in self._hits:
            self._hits[key] = frozenset(i for i, s in enumerate(self.sentences) if matches_group(s.norm, key))
        return self._hits[key]

    def find(self, point: KeyPoint, adjacent: bool = True) -> str | None:
        """The sentence (or two adjacent ones, if `adjacent`) where every group of the key point matches."""
        hits = [self.hits(g) for g in point.keywords]
        common = frozenset.intersection(*hits)
        if common:
            return self.sentences[min(common)].text
        if not adjacent:
            return None
        # Spoken answers often split one idea over two sentences.
        for i in range(len(self.sentences) - 1):
            if all(i in h or i + 1 in h for h in hits):
                return f"{self.sentences[i].text} {self.sentences[i + 1].text}"
        return None


def level_for(must_covered: int, must_total: int, nice_covered: int, nice_total: int) -> int:
    got = 2 * must_covered + nice_covered
    possible = 2 * must_total + nice_total
    share = got / possible if possible else 0.0
    if got == 0:
        return 0
    if share >= 0.75 and must_covered == must_total:
        return 4
    if share >= 0.5:
        return 3
    if share >= 0.25:
        return 2
    return 1


def grade_criterion(criterion: Criterion, index: AnswerIndex) -> CriterionGrade:
    must = [(p, index.find(p)) for p in criterion.must_have]
    nice = [(p, index.find(p)) for p in criterion.nice_to_have]
    # "Blue-green switches all traffic at once. A canary sends 5% first." must not add up to "canary sends all
    # traffic at once": a right answer has the words of a wrong claim in its neighbouring sentences.
    flags = [(p, index.find(p, adjacent=False)) for p in criterion.red_flags]
    level = level_for(sum(q is not None for _, q in must), len(must), sum(q is not None for _, q in nice), len(nice))
    flagged = [(p.text, q) for p, q in flags if q is not None]
    level = max(0, level - len(flagged))
    quotes: list[str] = []
    for _, q in must + nice:
        if q is not None and q not in quotes:
            quotes.append(q)
    return CriterionGrade(
        id=criterion.id,
        name=criterion.name,
        level=level,
        weight=criterion.weight,
        evidence=[Evidence(quote=q, verified=True) for q in quotes[:MAX_QUOTES]],
        missed=[p.text for p, q in must if q is None],
        missed_optional=[p.text for p, q in nice if q is None],
        red_flags=[text for text, _ in flagged],
        red_flag_quotes=[quote for _, quote in flagged],
    )


def summarise(grades: list[CriterionGrade]) -> str:
    ranked = sorted(grades, key=lambda g: (g.level, g.weight))
    weakest = [g.name for g in ranked if g.level < 3][:2]
    strongest = [g.name for g in reversed(ranked) if g.level >= 3][:2]
    parts = []
    if strongest:
        parts.append("Strongest: " + ", ".join(strongest) + ".")
    if weakest:
        parts.append("Work on: " + ", ".join(weakest) + ".")
    missed = sum(len(g.missed) for g in grades)
    if missed:
        parts.append(f"{missed} must-have point(s) missed.")
    return " ".join(parts) or "No criterion could be assessed."


def pick_follow_up(question: Question, rubric: Rubric, grades: list[CriterionGrade]) -> str | None:
    """The probe for the criterion with the most weighted room to improve."""
    levels = {g.id: g.level for g in grades}
    found = {g.id: Gap.of(g) for g in grades}
    open_ = asking_order(gaps(rubric, levels, COVERED_LEVEL[question.kind]), found)
    if not open_:
        return None
    return probe_for(question, rubric, open_[0], levels[open_[0]], found[open_[0]])


@register
class KeywordGrader(Grader):
    name = "keyword"

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        index = AnswerIndex(answer, asked_text(question))
        grades = [evidence.check(grade_criterion(c, index), c, answer) for c in rubric.criteria]
        return Grade(
            question_id=question.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            grader=self.name,
            criteria=grades,
            summary=summarise(grades),
            follow_up=pick_follow_up(question, rubric, grades),
        )
