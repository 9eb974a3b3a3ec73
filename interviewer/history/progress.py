"""What to practise next, from the aggregates the store computes."""

from __future__ import annotations

from datetime import UTC, datetime

from ..content.bank import Bank
from . import schedule
from .store import ProfileStore


def recommendations(
    store: ProfileStore, bank: Bank, limit: int = 5, now: datetime | None = None
) -> list[tuple[str, str]]:
    """What to practise next (question id, why), from the spaced-repetition schedule."""
    topics = {q.id: q.topic for q in bank.questions.values() if q.kind == "scenario"}
    history = [(s.question_id, s.created_at, s.score) for s in store.score_history()]
    return schedule.recommend(history, topics, now or datetime.now(UTC), limit)


def weak_spots(store: ProfileStore, bank: Bank, limit: int = 5) -> list[dict]:
    """The weakest (topic, criterion) pairs with the questions whose rubrics train them."""
    out = []
    for row in store.criterion_levels()[:limit]:
        trains = [
            q.id
            for q in sorted(bank.questions.values(), key=lambda q: q.id)
            if q.topic == row.topic and any(c.id == row.criterion_id for c in bank.rubric_for(q).criteria)
        ]
        out.append(row.model_dump() | {"questions": trains})
    return out
