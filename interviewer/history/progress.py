"""What to practise next, from the aggregates the store computes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

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


STRONG = 70  # a topic whose questions' latest final scores average this much is ready


class TopicReadiness(BaseModel):
    topic: str
    status: Literal["strong", "practise", "not tried"]
    mastery: float | None  # mean of each tried question's latest final score
    tried: int  # questions answered at least once (excluded answers aside)
    total: int  # questions in the bank
    days_since: int | None  # since the topic was last practised


def readiness(store: ProfileStore, bank: Bank, now: datetime | None = None) -> list[TopicReadiness]:
    """Per topic of the bank: strong, to practise, or not tried yet, and days since last practised. The topics
    to practise come first (weakest first), then those not tried, then the strong ones."""
    now = now or datetime.now(UTC)
    totals: dict[str, int] = {}
    for q in bank.questions.values():
        totals[q.topic] = totals.get(q.topic, 0) + 1
    mastery = {m.topic: m for m in store.topic_mastery() if m.topic}
    rows = []
    for topic in sorted(set(totals) | set(mastery)):
        m = mastery.get(topic)
        if m is None:
            rows.append(
                TopicReadiness(
                    topic=topic, status="not tried", mastery=None, tried=0, total=totals[topic], days_since=None
                )
            )
            continue
        days = (now - datetime.fromisoformat(m.last_at)).days if m.last_at else None
        rows.append(
            TopicReadiness(
                topic=topic,
                status="strong" if m.mastery >= STRONG else "practise",
                mastery=m.mastery,
                tried=m.questions,
                total=max(totals.get(topic, 0), m.questions),
                days_since=max(days, 0) if days is not None else None,
            )
        )
    order = {"practise": 0, "not tried": 1, "strong": 2}
    return sorted(rows, key=lambda r: (order[r.status], r.mastery if r.mastery is not None else 0, r.topic))
