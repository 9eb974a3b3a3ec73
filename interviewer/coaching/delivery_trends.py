"""Delivery over time: pace, fillers and hedges a minute per week, from the spoken answers a profile kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from ..history.store import ProfileStore
from .speech import PACE, enough_speech

TARGET_WPM = PACE


class WeekDelivery(BaseModel):
    week: str  # its Monday, ISO date
    answers: int  # recordings long enough to judge
    wpm: float
    fillers_per_min: float
    hedges_per_min: float


def weekly(recordings: list[tuple[str, dict]]) -> list[WeekDelivery]:
    """Pace, fillers and hedges a minute per week, from (created_at, delivery) of spoken answers, oldest first.
    Only recordings long enough to judge count (`enough_speech`); each week weighs them by speaking time."""
    weeks: dict[str, list[float]] = {}
    for created_at, d in recordings:
        if not enough_speech(d):
            continue
        day = datetime.fromisoformat(created_at).date()
        monday = (day - timedelta(days=day.weekday())).isoformat()
        minutes = (d.get("speaking_s") or d["duration_s"]) / 60
        tally = weeks.setdefault(monday, [0, 0.0, 0, 0, 0])
        tally[0] += 1
        tally[1] += minutes
        tally[2] += d["words"]
        tally[3] += sum(d.get("fillers", {}).values())
        tally[4] += sum(d.get("hedges", {}).values())
    return [
        WeekDelivery(
            week=week,
            answers=n,
            wpm=round(words / minutes, 1),
            fillers_per_min=round(fillers / minutes, 1),
            hedges_per_min=round(hedges / minutes, 1),
        )
        for week, (n, minutes, words, fillers, hedges) in sorted(weeks.items())
    ]


def for_profile(store: ProfileStore) -> list[WeekDelivery]:
    """The profile's weekly delivery, excluded answers left out."""
    return weekly([(r.created_at, r.delivery) for r in store.spoken_deliveries()])
