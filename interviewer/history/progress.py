"""Progress over time: aggregates computed in SQL, so large histories never load row by row."""

from __future__ import annotations

from datetime import UTC, datetime

from ..content.bank import Bank
from . import schedule
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
    """Mean level per (topic, criterion) over main answers: the weakness map.

    A follow-up is saved as a child attempt (parent_id, criterion_id) graded on the one criterion it
    probes. Each answer counts the best level it reached on a criterion, its own or a follow-up's: the
    candidate showed that much when asked, as the interview's own score after follow-ups does. Only the
    latest grade of each attempt counts, as everywhere else.
    """
    sql = """
        WITH follow AS (
            SELECT f.parent_id AS main_id, f.criterion_id, max(c.level) AS level
            FROM attempts f JOIN profiles p ON p.id = f.profile_id
            JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = f.id)
            JOIN criterion_grades c ON c.grade_id = g.id AND c.criterion_id = f.criterion_id
            WHERE p.name = ? AND f.parent_id IS NOT NULL
            GROUP BY f.parent_id, f.criterion_id
        )
        SELECT a.topic, c.criterion_id, c.name, round(avg(max(c.level, coalesce(f.level, 0))), 2) AS level,
               count(*) AS n
        FROM attempts a JOIN profiles p ON p.id = a.profile_id
        JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)
        JOIN criterion_grades c ON c.grade_id = g.id
        LEFT JOIN follow f ON f.main_id = a.id AND f.criterion_id = c.criterion_id
        WHERE p.name = ? AND a.parent_id IS NULL
        GROUP BY a.topic, c.criterion_id, c.name ORDER BY level, n DESC
    """
    return list(store.db.query(sql, [profile, profile]))


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
