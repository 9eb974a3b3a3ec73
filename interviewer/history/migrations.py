"""The history schema. It changes only here, one decorated function per step, never edited once released."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from . import scores

migrations = Migrations("interviewer")


@migrations()
def m001_initial(db: Database) -> None:
    db["profiles"].create({"id": int, "name": str, "created_at": str}, pk="id", not_null={"name", "created_at"})
    db["profiles"].create_index(["name"], unique=True)
    db["sessions"].create(
        {"id": int, "profile_id": int, "mode": str, "started_at": str, "ended_at": str},
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"profile_id", "mode", "started_at"},
    )
    db["attempts"].create(
        {
            "id": int,
            "profile_id": int,
            "session_id": int,
            "question_id": str,
            "topic": str,
            "rubric_id": str,
            "rubric_version": int,
            "answer": str,
            "source": str,
            "status": str,
            "error": str,
            "created_at": str,
            "graded_at": str,
        },
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id"), ("session_id", "sessions", "id")],
        not_null={"profile_id", "question_id", "answer", "status", "created_at"},
    )
    db["grades"].create(
        {
            "id": int,
            "attempt_id": int,
            "grader": str,
            "model": str,
            "score": int,
            "fallback_reason": str,
            "summary": str,
            "follow_up": str,
            "host": str,
            "prompt_version": str,
            "rubric_version": int,
            "raw_output": str,
            "latency_ms": float,
            "prompt_tokens": int,
            "completion_tokens": int,
            "grade_json": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("attempt_id", "attempts", "id")],
        not_null={"attempt_id", "grader", "score", "grade_json", "created_at"},
    )
    db["criterion_grades"].create(
        {
            "id": int,
            "grade_id": int,
            "criterion_id": str,
            "name": str,
            "level": int,
            "weight": float,
            "evidence": str,
            "missed": str,
            "red_flags": str,
        },
        pk="id",
        foreign_keys=[("grade_id", "grades", "id")],
        not_null={"grade_id", "criterion_id", "level", "weight"},
    )


@migrations()
def m002_timing_and_indexes(db: Database) -> None:
    # Timed answers (mock interviews) record how long the candidate took.
    db["attempts"].add_column("time_taken_s", float)
    db["attempts"].create_index(["profile_id", "created_at"])
    db["attempts"].create_index(["question_id"])
    db["grades"].create_index(["attempt_id"])
    db["criterion_grades"].create_index(["grade_id"])


@migrations()
def m003_sessions_followups_drafts(db: Database) -> None:
    # Interviews: resumable session state, follow-up answers linked to their question's answer, drafts.
    db["sessions"].add_column("state_json", str)
    db["sessions"].add_column("status", str)
    db["attempts"].add_column("parent_id", int, fk="attempts", fk_col="id")
    db["attempts"].add_column("criterion_id", str)
    db["attempts"].add_column("overran", int)
    db["drafts"].create(
        {"profile_id": int, "key": str, "text": str, "updated_at": str},
        pk=("profile_id", "key"),
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"text", "updated_at"},
    )
    db["sessions"].create_index(["profile_id", "status"])


@migrations()
def m004_quiz_rounds(db: Database) -> None:
    db["quiz_rounds"].create(
        {
            "id": int,
            "profile_id": int,
            "started_at": str,
            "finished_at": str,
            "seed": int,
            "questions": int,
            "correct": int,
            "late": int,
            "time_used_s": float,
            "over_time": int,
            "round_json": str,
            "result_json": str,
        },
        pk="id",
        foreign_keys=[("profile_id", "profiles", "id")],
        not_null={"profile_id", "started_at", "seed", "questions", "correct", "round_json"},
    )
    db["quiz_rounds"].create_index(["profile_id", "started_at"])


@migrations()
def m005_spoken_answers(db: Database) -> None:
    # Delivery metrics (pace, fillers, pauses) of answers given aloud.
    db["attempts"].add_column("delivery_json", str)


@migrations()
def m006_final_scores_and_exclusion(db: Database) -> None:
    # The score after follow-ups, kept beside the first one (grades.score) so every page shows the same two;
    # and answers the candidate left out of progress (test answers, a bad recording).
    db["attempts"].add_column("final_score", int)
    db["attempts"].add_column("excluded", int, not_null_default=0)
    db["attempts"].create_index(["profile_id", "excluded"])
    mains = db.query(
        "SELECT a.id, g.id AS grade_id FROM attempts a JOIN grades g ON g.id = "
        "(SELECT max(id) FROM grades WHERE attempt_id = a.id) WHERE a.parent_id IS NULL"
    )
    for main in list(mains):
        criteria = [
            (r["criterion_id"], r["level"], r["weight"])
            for r in db.query(
                "SELECT criterion_id, level, weight FROM criterion_grades WHERE grade_id = ?", [main["grade_id"]]
            )
        ]
        follow_ups = {
            r["criterion_id"]: r["level"]
            for r in db.query(
                "SELECT f.criterion_id, max(c.level) AS level FROM attempts f "
                "JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = f.id) "
                "JOIN criterion_grades c ON c.grade_id = g.id AND c.criterion_id = f.criterion_id "
                "WHERE f.parent_id = ? GROUP BY f.criterion_id",
                [main["id"]],
            )
        }
        db["attempts"].update(main["id"], {"final_score": scores.final_score(criteria, follow_ups)})
