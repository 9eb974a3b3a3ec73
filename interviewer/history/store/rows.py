"""Typed rows the store returns besides `models.Attempt`, and the attempts of an export file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from ...models import Attempt, Grade


class SavedAttempt(Attempt):
    """An attempt as the history holds it: `score` is its first score, `final_score` the score after
    follow-ups (the same when none were answered), and `excluded` leaves it out of progress."""

    final_score: int | None = None
    excluded: bool = False


class DeliveryRow(BaseModel):
    created_at: str
    delivery: dict


class SessionRow(BaseModel):
    id: int
    mode: str
    status: str | None = None
    started_at: str
    ended_at: str | None = None
    state_json: str | None = None


class QuizRoundRow(BaseModel):
    id: int
    started_at: str
    seed: int
    questions: int
    correct: int
    late: int
    time_used_s: float
    over_time: bool
    result_json: str


class ScoredAttempt(BaseModel):
    question_id: str
    created_at: str
    score: int


class DayScore(BaseModel):
    day: str
    score: float
    attempts: int


class TopicMastery(BaseModel):
    topic: str | None
    mastery: float
    questions: int
    last_at: str | None = None  # the latest answer in this topic


class CriterionLevel(BaseModel):
    topic: str | None
    criterion_id: str
    name: str | None
    level: float
    n: int


# One attempt as an export file holds it, and as an import writes it back.
class FollowUpRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criterion_id: str | None = None
    answer: str
    created_at: str
    status: Literal["pending", "graded", "failed"]
    error: str | None = None
    grade: Grade | None = None
    source: str | None = None
    delivery: dict | None = None

    @field_validator("created_at")
    @classmethod
    def _timestamp(cls, value: str) -> str:
        """Stored in one form (UTC, ISO 8601) so history sorts and the scheduler can do date arithmetic."""
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)  # exports always carry an offset; a hand-made file may not
        return parsed.astimezone(UTC).isoformat(timespec="milliseconds")


class AttemptRecord(FollowUpRecord):
    question_id: str
    topic: str | None = None
    rubric_id: str | None = None
    rubric_version: int | None = None
    mode: str | None = None
    time_taken_s: float | None = None
    overran: bool | None = None
    follow_ups: list[FollowUpRecord] = []
