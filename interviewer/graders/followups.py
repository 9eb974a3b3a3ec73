"""Which criterion to probe next, and how to ask. Shared by graders and the interview flow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from ..models import CriterionGrade, Question, Rubric

# A checklist area counts as covered from "good" up; a scenario criterion can always improve until "excellent".
COVERED_LEVEL = {"checklist": 3, "scenario": 4}
IRREGULAR = {"does": "do", "goes": "go", "has": "have", "is": "be"}


class Gap(BaseModel):
    """What the answers so far still lack on one criterion: key points not made, wrong claims still standing."""

    missed: list[str] = []
    optional: list[str] = []
    flags: list[str] = []

    @classmethod
    def of(cls, grade: CriterionGrade) -> Gap:
        return cls(missed=grade.missed, optional=grade.missed_optional, flags=_claims(grade))

    def merge(self, grade: CriterionGrade) -> Gap:
        """A point counts as made once any answer made it, and a claim as withdrawn once an answer drops it."""
        return Gap(
            missed=[m for m in self.missed if m in grade.missed],
            optional=[m for m in self.optional if m in grade.missed_optional],
            flags=[f for f in self.flags if f in _claims(grade)],
        )

    @property
    def empty(self) -> bool:
        return not (self.missed or self.optional or self.flags)


def _claims(grade: CriterionGrade) -> list[str]:
    """The wrong claims a grade found: red flags and misconceptions alike."""
    return [*grade.red_flags, *(w.claim for w in grade.wrong_claims)]


def gaps(rubric: Rubric, levels: Mapping[str, int], target: int, skip: Iterable[str] = ()) -> list[str]:
    """Criterion ids below `target`, biggest weighted gap first (ties: rubric order)."""
    skip = set(skip)
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    open_ = [c for c in rubric.criteria if levels.get(c.id, 0) < target and c.id not in skip]
    open_.sort(key=lambda c: (-c.weight * (target - levels.get(c.id, 0)), order[c.id]))
    return [c.id for c in open_]


def asking_order(open_: list[str], found: Mapping[str, Gap]) -> list[str]:
    """Criteria with a point missing or a claim to revisit first. One with neither (a level capped for want of
    a quote, or an LLM grade that listed nothing) comes last, with a general probe: asking about a point
    already made would sound like the interviewer was not listening."""
    return sorted(open_, key=lambda cid: cid in found and found[cid].empty)


def area(name: str) -> str:
    """A criterion name inside a sentence: "Keeping ML tests reliable" -> "keeping ML tests reliable"; an
    acronym ("CI/CD", "PSI", "A/B") stays as written."""
    if len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _you(flag: str) -> str | None:
    """A red flag as authored ("Claims retraining will absorb it", "Applies the KS test to ...") said back
    to the candidate, or None when it does not start with such a verb."""
    verb, _, rest = flag.rstrip(".").partition(" ")
    word = verb.lower()
    if not rest or not verb[:1].isupper() or not word.isalpha() or not word.endswith("s") or word.endswith("ss"):
        return None
    if word in IRREGULAR:
        base = IRREGULAR[word]
    elif word.endswith("ies"):
        base = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "shes", "ches")):
        base = word[:-2]
    else:
        base = word[:-1]
    return f"You seemed to {base} {rest}."


def probe_for(question: Question, rubric: Rubric, criterion_id: str, level: int = 0, gap: Gap | None = None) -> str:
    """The question's own probe for a criterion; else a question about the area that does not give the
    missing point away (an interviewer asks, the model answer tells)."""
    for probe in question.follow_ups:
        if probe.criterion == criterion_id:
            return probe.question
    name = area(rubric.criterion(criterion_id).name)
    if gap and gap.flags and not gap.missed:
        # Below the bar only because of a wrong claim: ask them to stand behind it, not for more points.
        claim = _you(gap.flags[0]) or f"I'd like to come back to something you said about {name}."
        return f"{claim} Are you sure about that? Walk me through your reasoning."
    if level == 0 and not (gap and gap.flags):
        return f"You haven't said much about {name} yet. Can you walk me through it?"
    return f"Let's go deeper on {name}. What would you add to what you said?"
