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

from dataclasses import dataclass

from ..models import Criterion, CriterionGrade, Evidence, Grade, KeyPoint, Misconception, Question, Rubric, WrongClaim
from ..text import Sentence, matches_all, matches_group, normalise, sentences
from . import claims, evidence
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
    copies from the question (its `prompt`) are not matched: they are the question's, not the candidate's.
    Sentences that assert nothing (term lists, questions) earn nothing (see `claims`)."""

    def __init__(self, answer: str, prompt: str = ""):
        self.sentences = strip_copied(sentences(answer), prompt)
        self.said = claims.classify(self.sentences)
        self.excluded: frozenset[int] = frozenset(i for i, s in enumerate(self.said) if not s.asserts)
        self.used: dict[int, int] = {}  # sentence -> key points it made so far (see POINTS_PER_SENTENCE)
        self._hits: dict[tuple[str, ...], frozenset[int]] = {}

    @property
    def asserts_anything(self) -> bool:
        return len(self.excluded) < len(self.sentences)

    def hits(self, group: list[str]) -> frozenset[int]:
        key = tuple(group)
        if key not in self._hits:
            self._hits[key] = frozenset(i for i, s in enumerate(self.sentences) if matches_group(s.norm, key))
        return self._hits[key]

    def places(self, point: KeyPoint, adjacent: bool = True, skip: frozenset[int] = frozenset()) -> list[list[int]]:
        """Every sentence (or pair of adjacent ones, if `adjacent`) where every group of the key point matches,
        leaving out sentences that assert nothing and those in `skip` (sentences that state a wrong claim)."""
        skip = skip | self.excluded
        hits = [self.hits(g) - skip for g in point.keywords]
        common = frozenset.intersection(*hits)
        if common or not adjacent:
            return [[i] for i in sorted(common)]
        # Spoken answers often split one idea over two sentences.
        return [[i, i + 1] for i in range(len(self.sentences) - 1) if all(i in h or i + 1 in h for h in hits)]

    def locate(self, point: KeyPoint, adjacent: bool = True, skip: frozenset[int] = frozenset()) -> list[int]:
        """Where the point is made: the first place that also gives its why or how, else the first place."""
        found = self.places(point, adjacent, skip)
        if not found:
            return []
        return next((at for at in found if point.why and self.explained(point, at)), found[0])

    def quote(self, at: list[int]) -> str:
        return " ".join(self.sentences[i].text for i in at)

    def find(self, point: KeyPoint, adjacent: bool = True) -> str | None:
        at = self.locate(point, adjacent)
        return self.quote(at) if at else None

    def explained(self, point: KeyPoint, at: list[int]) -> bool:
        following = [at[-1] + 1] if at[-1] + 1 < len(self.sentences) else []
        return claims.explained(point, [self.sentences[i] for i in [*at, *following]])


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


NAMED_ONLY = 2  # a criterion whose points are only named, none explained, earns at most this level
NAMED_CREDIT = 0.5  # a point named without its why or how counts this much of an explained one


def level_for_depth(must: list[tuple[bool, bool]], nice: list[tuple[bool, bool]]) -> int:
    """The level from (covered, explained) per point: must-haves count double, a point only named counts
    NAMED_CREDIT; 4 needs every must-have covered and explained, 3 at least one point explained."""
    credit = [(2, c, d) for c, d in must] + [(1, c, d) for c, d in nice]
    got = sum(w * (1 if d else NAMED_CREDIT) for w, c, d in credit if c)
    share = got / sum(w for w, _, _ in credit) if credit else 0.0
    if got == 0:
        return 0
    if share >= 0.75 and all(c and d for c, d in must):
        return 4
    if share >= 0.5 and any(d for _, c, d in credit if c):
        return 3
    return 2 if share >= 0.25 else 1


WRONG_CAP = 1  # a misconception caps its criterion at this level


@dataclass
class Judged:
    """A criterion's grade and the highest level the answer allows it (misconceptions, depth), which no
    grader building on this one may lift it above."""

    grade: CriterionGrade
    cap: int
    core_wrong: list[WrongClaim]


# A sentence that "makes" more of a rubric's points than this at once is a run of terms, not an explanation.
POINTS_PER_SENTENCE = 4


def _locate_points(
    criterion: Criterion, index: AnswerIndex, stated: frozenset[int]
) -> tuple[list[tuple[KeyPoint, list[int]]], list[tuple[KeyPoint, list[int]]]]:
    """Where each point is made, must-haves first; one sentence makes at most POINTS_PER_SENTENCE of the
    rubric's points (counted over the criteria judged so far with this index)."""
    used = index.used
    found = []
    for point in [*criterion.must_have, *criterion.nice_to_have]:
        at = index.locate(point, skip=stated | frozenset(i for i, n in used.items() if n >= POINTS_PER_SENTENCE))
        for i in at:
            used[i] = used.get(i, 0) + 1
        found.append((point, at))
    return found[: len(criterion.must_have)], found[len(criterion.must_have) :]


def judge_criterion(
    criterion: Criterion, index: AnswerIndex, also_wrong: list[tuple[Misconception, int]] = ()
) -> Judged:
    """`also_wrong`: misconceptions another grader found said in other words (sentence indexes)."""
    wrong = claims.wrong_claims(criterion, index.said)
    wrong += [(m, i) for m, i in also_wrong if all(m is not w for w, _ in wrong)]
    stated = frozenset(i for _, i in wrong)
    must, nice = _locate_points(criterion, index, stated)
    # "Blue-green switches all traffic at once. A canary sends 5% first." must not add up to "canary sends all
    # traffic at once": a right answer has the words of a wrong claim in its neighbouring sentences.
    flags = [(p, index.locate(p, adjacent=False)) for p in criterion.red_flags]
    level = level_for(sum(bool(at) for _, at in must), len(must), sum(bool(at) for _, at in nice), len(nice))
    flagged = [(p.text, index.quote(at)) for p, at in flags if at]
    level = max(0, level - len(flagged))
    notes, cap = [], 4
    if claims.wants_depth(criterion):
        deep = {p.text for p, at in must + nice if at and index.explained(p, at)}
        named = [p.text for p, at in must + nice if at and p.text not in deep]
        level = level_for_depth(
            [(bool(at), p.text in deep) for p, at in must], [(bool(at), p.text in deep) for p, at in nice]
        )
        level = max(0, level - len(flagged))
        cap = NAMED_ONLY if not deep else 4 if all(p.text in deep for p, at in must if at) else 3
        if named and level < 4:
            notes.append("named without the why or how: " + "; ".join(named[:2]))
    if wrong:
        cap = min(cap, WRONG_CAP)
        if level > WRONG_CAP:
            notes.append(f"level {level} capped at {WRONG_CAP}: the answer states a misconception")
            level = WRONG_CAP
    quotes: list[str] = []
    for _, at in must + nice:
        if at and index.quote(at) not in quotes:
            quotes.append(index.quote(at))
    wrong_said = [claims.as_wrong_claim(m, index.sentences[i]) for m, i in wrong]
    grade = CriterionGrade(
        id=criterion.id,
        name=criterion.name,
        level=level,
        weight=criterion.weight,
        evidence=[Evidence(quote=q, verified=True) for q in quotes[:MAX_QUOTES]],
        missed=[p.text for p, at in must if not at],
        missed_optional=[p.text for p, at in nice if not at],
        red_flags=[text for text, _ in flagged],
        red_flag_quotes=[quote for _, quote in flagged],
        wrong_claims=wrong_said,
        notes=notes,
    )
    core = [w for (m, _), w in zip(wrong, wrong_said, strict=True) if m.core]
    return Judged(grade, cap, core)


def grade_criterion(criterion: Criterion, index: AnswerIndex) -> CriterionGrade:
    return judge_criterion(criterion, index).grade


CORE_CAP = {"own": 0, "other": 1}  # a core misconception: its criterion at 0, every other at most 1


def apply_core(judged: list[Judged]) -> list[CriterionGrade]:
    """A core misconception fails the answer, as it would in an interview: its criterion drops to 0 and every
    other criterion to at most 1, each saying why."""
    core = [(j.grade.id, w) for j in judged for w in j.core_wrong]
    if not core:
        return [j.grade for j in judged]
    out = []
    for j in judged:
        own = any(cid == j.grade.id for cid, _ in core)
        cap = CORE_CAP["own" if own else "other"]
        g = j.grade
        if g.level > cap:
            claim = core[0][1].claim
            g = g.model_copy(
                update={
                    "level": cap,
                    "notes": [*g.notes, f"level {g.level} capped at {cap}: the answer says {claim!r}, which is wrong"],
                }
            )
        out.append(g)
    return out


def enforce(rubric: Rubric, grades: list[CriterionGrade], answer: str, prompt: str = "") -> list[CriterionGrade]:
    """The claim rules on a grade another grader (an LLM) gave: a misconception stated in the answer caps its
    criterion (a core one, the whole answer), and a level of 3 or more needs a verified quote that says a
    key point of its criterion, not merely one that shares a keyword."""
    index = AnswerIndex(answer, prompt)
    judged = []
    for criterion, grade in zip(rubric.criteria, grades, strict=True):
        wrong = claims.wrong_claims(criterion, index.said)
        said = [claims.as_wrong_claim(m, index.sentences[i]) for m, i in wrong]
        level, notes = grade.level, list(grade.notes)
        quotes = [normalise(e.quote) for e in grade.evidence if e.verified and e.relevant]
        says_point = any(matches_all(q, p.keywords) for q in quotes for p in criterion.key_points)
        if level >= 3 and not says_point:
            notes.append(f"level {level} capped at 2: no quote says a key point of this criterion")
            level = 2
        if said and level > WRONG_CAP:
            notes.append(f"level {level} capped at {WRONG_CAP}: the answer states a misconception")
            level = WRONG_CAP
        update = {"level": level, "notes": notes, "wrong_claims": said}
        core = [w for (m, _), w in zip(wrong, said, strict=True) if m.core]
        judged.append(Judged(grade.model_copy(update=update), WRONG_CAP if said else 4, core))
    return apply_core(judged)


def answer_is_a_list(index: AnswerIndex) -> bool:
    return bool(index.sentences) and not index.asserts_anything


LIST_ADVICE = (
    "This reads as a list of terms, not an answer: a list earns nothing. Explain each point in a sentence: "
    "what you would do, why, and how."
)


def summarise(grades: list[CriterionGrade], index: AnswerIndex | None = None) -> str:
    if index is not None and index.excluded and not index.asserts_anything:
        return LIST_ADVICE
    wrong = [w for g in grades for w in g.wrong_claims]
    if wrong:
        return f"Wrong: {wrong[0].claim}. {wrong[0].why}"
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
        judged = [judge_criterion(c, index) for c in rubric.criteria]
        grades = [evidence.check(g, c, answer) for g, c in zip(apply_core(judged), rubric.criteria, strict=True)]
        return Grade(
            question_id=question.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            grader=self.name,
            criteria=grades,
            summary=summarise(grades, index),
            follow_up=pick_follow_up(question, rubric, grades),
        )
