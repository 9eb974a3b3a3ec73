"""Which criterion to probe next, and how to ask. Shared by graders and the interview flow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from ..models import Criterion, CriterionGrade, Question, Rubric
from ..text import content_words, matches_all, matches_group, normalise

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


def giveaway_terms(criterion: Criterion, prompt: str = "") -> list[str]:
    """Words of the criterion's name that are the answer: a key point's keyword the question itself does not
    use ("Immutable, versioned artifacts", "TensorRT and half precision"). Such a name is not said to a
    candidate who has not made the point yet: the rubric's heading would hand them the answer."""
    name, asked = normalise(criterion.name), normalise(prompt)
    terms = {
        group[0]
        for point in criterion.key_points
        for group in point.keywords
        if matches_group(name, group) and not matches_group(asked, group)
    }
    return sorted(terms)


def recites(text: str, criterion: Criterion, prompt: str = "") -> list[str]:
    """What a probe gives away: a key point said in full (its text, or every keyword group of it that the
    question does not already contain), or a criterion name that names the answer. Empty when it gives
    nothing away."""
    norm, asked = normalise(text), normalise(prompt)
    said = []
    for point in criterion.key_points:
        new_groups = [g for g in point.keywords if not matches_group(asked, g)]
        if normalise(point.text.rstrip(".")) in norm or (new_groups and matches_all(norm, new_groups)):
            said.append(point.text)
    if giveaway_terms(criterion, prompt) and normalise(criterion.name) in norm:
        said.append(criterion.name)
    return said


def target_of(text: str, rubric: Rubric) -> str | None:
    """The criterion a probe's words are about: most keyword groups of its key points matched, then most
    words shared with its name, description and key points. None when no criterion shares anything."""
    norm, words = normalise(text), content_words(text)
    best, best_key = None, (0, 0)
    for c in rubric.criteria:
        groups = sum(matches_group(norm, g) for p in [*c.key_points, *c.red_flags] for g in p.keywords)
        vocab = set().union(
            content_words(c.name), content_words(c.description), *(content_words(p.text) for p in c.key_points)
        )
        key = (groups, len(words & vocab))
        if key > best_key:
            best, best_key = c.id, key
    return best


def clip(quote: str, limit: int = 120) -> str:
    """A quote cut at a word boundary, never mid-word."""
    quote = " ".join(quote.split())
    if len(quote) <= limit:
        return quote
    return quote[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


OPEN_PART = "Part of the question is still open in your answer. Read it again: what else would you handle, and how?"


def probe_for(
    question: Question,
    rubric: Rubric,
    criterion_id: str,
    level: int = 0,
    gap: Gap | None = None,
    quote: str | None = None,
) -> str:
    """The question's own probe for a criterion; else a question about the area that does not give the
    missing point away (an interviewer asks, the model answer tells). `quote`: the candidate's own best
    sentence on this criterion, if any, to build on when the criterion's name would give the answer."""
    for probe in question.follow_ups:
        if probe.criterion == criterion_id:
            return probe.question
    criterion = rubric.criterion(criterion_id)
    name = None if giveaway_terms(criterion, question.prompt) else area(criterion.name)
    if gap and gap.flags and not gap.missed:
        # Below the bar only because of a wrong claim: ask them to stand behind it, not for more points.
        about = f" about {name}" if name else ""
        claim = _you(gap.flags[0]) or f"I'd like to come back to something you said{about}."
        return f"{claim} Are you sure about that? Walk me through your reasoning."
    if name is None:
        # Neither the name nor a key point can be said: build on their own words, or point back at the question.
        if quote and level > 0:
            return f"You said: “{clip(quote)}” Take that further: how exactly would it work, and why?"
        return OPEN_PART
    if level == 0 and not (gap and gap.flags):
        return f"You haven't said much about {name} yet. Can you walk me through it?"
    return f"Let's go deeper on {name}. What would you add to what you said?"


def strongest(rubric: Rubric, levels: Mapping[str, int]) -> str | None:
    """The criterion a strong answer did best on: highest level, then weight, then rubric order."""
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    best = sorted(rubric.criteria, key=lambda c: (-levels.get(c.id, 0), -c.weight, order[c.id]))
    return best[0].id if best and levels.get(best[0].id, 0) > 0 else None


STRETCH = (
    "Why that approach and not another: what is its main trade-off, and in which situation would you "
    "choose differently?"
)


def stretch_probe(rubric: Rubric, criterion_id: str, quote: str | None = None) -> str:
    """A harder probe for an answer with no gap left: a why / what-if / trade-off question on its strongest
    criterion. Naming that area gives nothing away: the candidate has already covered it."""
    if quote:
        return f"You said: “{clip(quote)}” {STRETCH}"
    return f"You covered {area(rubric.criterion(criterion_id).name)} well. {STRETCH}"
