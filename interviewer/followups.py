"""Which criterion to probe next, and how to ask. Shared by graders and the interview flow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .models import Question, Rubric

# A checklist area counts as covered from "good" up; a scenario criterion can always improve until "excellent".
COVERED_LEVEL = {"checklist": 3, "scenario": 4}


def gaps(rubric: Rubric, levels: Mapping[str, int], target: int, skip: Iterable[str] = ()) -> list[str]:
    """Criterion ids below `target`, biggest weighted gap first (ties: rubric order)."""
    skip = set(skip)
    order = {c.id: i for i, c in enumerate(rubric.criteria)}
    open_ = [c for c in rubric.criteria if levels.get(c.id, 0) < target and c.id not in skip]
    open_.sort(key=lambda c: (-c.weight * (target - levels.get(c.id, 0)), order[c.id]))
    return [c.id for c in open_]


def probe_for(question: Question, rubric: Rubric, criterion_id: str, missed: Iterable[str] = ()) -> str:
    """The question's own probe for a criterion; else a question about its first missed key point."""
    for probe in question.follow_ups:
        if probe.criterion == criterion_id:
            return probe.question
    criterion = rubric.criterion(criterion_id)
    point = next(iter(missed), None) or criterion.must_have[0].text
    return f"Let's go deeper on {criterion.name.lower()}: {point.rstrip('.')}. How would you handle that?"
