"""An answer's two scores, and the one way every page and the CLI write them.

The first score is the grade of the answer itself. The final score counts, per criterion, the best level the
answer or any of its follow-ups reached: what the candidate showed when asked, as the interview's own score
after follow-ups does. Both are computed in code from levels and weights (`models.compute_score`).
"""

from __future__ import annotations

from ..models import CriterionGrade, compute_score

ARROW = "→"
AFTER = "after follow-ups"


def final_score(criteria: list[tuple[str, int, float]], follow_up_levels: dict[str, int]) -> int:
    """`criteria`: (id, level, weight) of the answer's own grade; `follow_up_levels`: the best level a follow-up
    reached on each criterion it probed."""
    return compute_score(
        [
            CriterionGrade(id=cid, level=max(level, follow_up_levels.get(cid, 0)), weight=weight)
            for cid, level, weight in criteria
        ]
    )


def changed(first: int | None, final: int | None) -> bool:
    return first is not None and final is not None and final != first


def label(first: int | None, final: int | None, *, missing: str = "not graded") -> str:
    """'62 → 81 after follow-ups', or '62' when follow-ups changed nothing (or none were answered)."""
    if first is None:
        return missing
    return f"{first} {ARROW} {final} {AFTER}" if changed(first, final) else str(first)


def short(first: int | None, final: int | None, *, missing: str = "") -> str:
    """The same without the words, for a narrow table column: '62 → 81'."""
    if first is None:
        return missing
    return f"{first} {ARROW} {final}" if changed(first, final) else str(first)
