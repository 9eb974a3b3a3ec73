"""Progress over time, computed in SQL so large histories never load row by row. Mixed into ProfileStore.

Every aggregate counts an answer's final score (after follow-ups, `attempts.final_score`; the grade's own
score for rows that have none) and leaves out the answers the candidate excluded from progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .rows import CriterionLevel, DayScore, ScoredAttempt, TopicMastery

if TYPE_CHECKING:
    from sqlite_utils import Database

FINAL = "coalesce(a.final_score, g.score)"


class Aggregates:
    db: Database
    profile: str

    def score_history(self) -> list[ScoredAttempt]:
        """(question_id, created_at, score) of every graded top-level attempt: the scheduler's input."""
        sql = (
            f"SELECT a.question_id, a.created_at, {FINAL} AS score FROM attempts a "
            "JOIN profiles p ON p.id = a.profile_id JOIN grades g ON g.attempt_id = a.id "
            "WHERE p.name = ? AND a.parent_id IS NULL AND NOT a.excluded "
            "AND g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)"
        )
        return [ScoredAttempt.model_validate(r) for r in self.db.query(sql, [self.profile])]

    def scores_by_day(self) -> list[DayScore]:
        sql = (
            f"SELECT date(a.created_at) AS day, round(avg({FINAL}), 1) AS score, count(*) AS attempts "
            "FROM attempts a JOIN profiles p ON p.id = a.profile_id "
            "JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id) "
            "WHERE p.name = ? AND a.parent_id IS NULL AND NOT a.excluded GROUP BY day ORDER BY day"
        )
        return [DayScore.model_validate(r) for r in self.db.query(sql, [self.profile])]

    def topic_mastery(self) -> list[TopicMastery]:
        """Per topic: mean of each question's latest score, how many questions were tried, and when last."""
        sql = f"""
            WITH latest AS (
                SELECT a.topic, a.question_id, {FINAL} AS score, a.created_at,
                       row_number() OVER (PARTITION BY a.question_id ORDER BY a.created_at DESC, a.id DESC) AS rn
                FROM attempts a JOIN profiles p ON p.id = a.profile_id
                JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)
                WHERE p.name = ? AND a.parent_id IS NULL AND NOT a.excluded
            )
            SELECT topic, round(avg(score), 1) AS mastery, count(*) AS questions, max(created_at) AS last_at
            FROM latest WHERE rn = 1 GROUP BY topic ORDER BY mastery
        """
        return [TopicMastery.model_validate(r) for r in self.db.query(sql, [self.profile])]

    def criterion_levels(self) -> list[CriterionLevel]:
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
            WHERE p.name = ? AND a.parent_id IS NULL AND NOT a.excluded
            GROUP BY a.topic, c.criterion_id, c.name ORDER BY level, n DESC
        """
        return [CriterionLevel.model_validate(r) for r in self.db.query(sql, [self.profile, self.profile])]
