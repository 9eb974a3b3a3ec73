"""Progress over time: aggregates computed in SQL, so large histories never load row by row."""

from __future__ import annotations

from datetime import UTC, datetime

from . import schedule
from .bank import Bank
from .store import DEFAULT_PROFILE, Store


def score_history(store: Store, profile: str = DEFAULT_PROFILE) -> list[tuple[str, str, int]]:
    """(question_id, created_at, score) of every graded top-level attempt: the scheduler's input."""
    sql = (
        "SELECT a.question_id, a.created_at, g.score FROM attempts a JOIN profiles p ON p.id = a.profile_id "
        "JOIN grades g ON g.attempt_id = a.id WHERE p.name = ? AND a.parent_id IS NULL "
        "AND g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)"
    )
    return [(r["question_id"], r["created_at"], r["score"]) for r in store.db.query(sql, [profile])]


def scores_by_day(store: Store, profile: str = DEFAULT_PROFILE) -> list[dict]:
    sql = (
        "SELECT date(a.created_at) AS day, round(avg(g.score), 1) AS score, count(*) AS attempts "
        "FROM attempts a JOIN profiles p ON p.id = a.profile_id JOIN grades g ON g.attempt_id = a.id "
        "WHERE p.name = ? AND a.parent_id IS NULL GROUP BY day ORDER BY day"
    )
    return list(store.db.query(sql, [profile]))


def topic_mastery(store: Store, profile: str = DEFAULT_PROFILE) -> list[dict]:
    """Per topic: mean of each question's latest score, and how many questions were tried."""
    sql = """
        WITH latest AS (
            SELECT a.topic, a.question_id, g.score,
                   row_number() OVER (PARTITION BY a.question_id ORDER BY a.created_at DESC, a.id DESC) AS rn
            FROM attempts a JOIN profiles p ON p.id = a.profile_id JOIN grades g ON g.attempt_id = a.id
            WHERE p.name = ? AND a.parent_id IS NULL
        )
        SELECT topic, round(avg(score), 1) AS mastery, count(*) AS questions
        FROM latest WHERE rn = 1 GROUP BY topic ORDER BY mastery
    """
    return list(store.db.query(sql, [profile]))


def criterion_levels(store: Store, profile: str = DEFAULT_PROFILE) -> list[dict]:
    """Mean level per (topic, criterion) over main answers: the weakness map."""
    sql = """
        SELECT a.topic, c.criterion_id, c.name, round(avg(c.level), 2) AS level, count(*) AS n
        FROM criterion_grades c JOIN grades g ON g.id = c.grade_id JOIN attempts a ON a.id = g.attempt_id
        JOIN profiles p ON p.id = a.profile_id
        WHERE p.name = ? AND a.parent_id IS NULL
        GROUP BY a.topic, c.criterion_id, c.name ORDER BY level, n DESC
    """
    return list(store.db.query(sql, [profile]))


def recommendations(
    store: Store, bank: Bank, profile: str = DEFAULT_PROFILE, limit: int = 5, now: datetime | None = None
) -> list[tuple[str, str]]:
    """What to practise next (question id, why), from the spaced-repetition schedule."""
    topics = {q.id: q.topic for q in bank.questions.values() if q.kind == "scenario"}
    return schedule.recommend(score_history(store, profile), topics, now or datetime.now(UTC), limit)


def weak_spots(store: Store, bank: Bank, profile: str = DEFAULT_PROFILE, limit: int = 5) -> list[dict]:
    """The weakest (topic, criterion) pairs with the questions whose rubrics train them."""
    out = []
    for row in criterion_levels(store, profile)[:limit]:
        trains = [
            q.id
            for q in sorted(bank.questions.values(), key=lambda q: q.id)
            if q.topic == row["topic"] and any(c.id == row["criterion_id"] for c in bank.rubric_for(q).criteria)
        ]
        out.append(row | {"questions": trains})
    return out
