"""History in SQLite: migrations, foreign keys, upgrades, and nothing lost when grading fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from interviewer.coaching.answers import AnswerError, submit
from interviewer.content.bank import load_bank
from interviewer.graders import Grader, GradingError, get_grader
from interviewer.history.migrations import migrations
from interviewer.history.store import Store, connect

BANK = load_bank(Path(__file__).parent / "data" / "bank")
QUESTION = BANK.questions["canary-vs-blue-green"]
RUBRIC = BANK.rubric_for(QUESTION)


def test_schema_columns_and_foreign_keys():
    db = connect(":memory:")
    assert db["attempts"].columns_dict == {
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
        "time_taken_s": float,
        "parent_id": int,
        "criterion_id": str,
        "overran": int,
        "delivery_json": str,
        "final_score": int,
        "excluded": int,
    }
    fks = {
        t: {(fk.column, fk.other_table) for fk in db[t].foreign_keys}
        for t in ("sessions", "attempts", "grades", "criterion_grades", "drafts")
    }
    assert fks == {
        "sessions": {("profile_id", "profiles")},
        "attempts": {("profile_id", "profiles"), ("session_id", "sessions"), ("parent_id", "attempts")},
        "grades": {("attempt_id", "attempts")},
        "criterion_grades": {("grade_id", "grades")},
        "drafts": {("profile_id", "profiles")},
    }
    assert {
        "score",
        "grader",
        "model",
        "host",
        "prompt_version",
        "raw_output",
        "latency_ms",
        "prompt_tokens",
        "completion_tokens",
        "fallback_reason",
        "grade_json",
    } <= set(db["grades"].columns_dict)
    assert db["drafts"].pks == ["profile_id", "key"]
    assert [m.name for m in migrations.applied(db)] == [
        "m001_initial",
        "m002_timing_and_indexes",
        "m003_sessions_followups_drafts",
        "m004_quiz_rounds",
        "m005_spoken_answers",
        "m006_final_scores_and_exclusion",
    ]
    assert {fk.other_table for fk in db["quiz_rounds"].foreign_keys} == {"profiles"}


def test_foreign_keys_are_enforced():
    store = Store(connect(":memory:")).for_profile("default")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.db["grades"].insert(
            {"attempt_id": 999, "grader": "x", "score": 1, "grade_json": "{}", "created_at": "now"}
        )


def test_upgrade_from_first_schema_keeps_rows(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m002_timing_and_indexes")
    assert "time_taken_s" not in old["attempts"].columns_dict
    old["profiles"].insert({"name": "ada", "created_at": "2026-01-01"})
    old["attempts"].insert(
        {
            "profile_id": 1,
            "question_id": "canary-vs-blue-green",
            "answer": "kept",
            "status": "pending",
            "created_at": "2026-01-01",
        }
    )
    old.close()

    store = Store.open(path)
    assert "time_taken_s" in store.db["attempts"].columns_dict
    (attempt,) = store.for_profile("ada").attempts()
    assert attempt.answer == "kept" and attempt.status == "pending"
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_answer_saved_and_graded_then_listed_newest_first():
    store = Store(connect(":memory:")).for_profile("default")
    grader = get_grader("keyword")
    first = submit(store, grader, QUESTION, RUBRIC, "A canary with 5% of traffic.")
    second = submit(store, grader, QUESTION, RUBRIC, QUESTION.model_answer)
    attempts = store.attempts()
    assert [a.id for a in attempts] == [second.attempt_id, first.attempt_id]
    assert attempts[0].status == "graded" and attempts[0].score == second.grade.score >= 80
    assert attempts[0].grade == second.grade
    levels = [r["level"] for r in store.db["criterion_grades"].rows_where("grade_id = 2")]
    assert levels == [c.level for c in second.grade.criteria]


class Broken(Grader):
    name = "broken"

    def __init__(self, exc: Exception):
        self.exc = exc

    def grade(self, question, rubric, answer):
        raise self.exc


def test_failing_grader_falls_back_to_the_best_offline_grader_with_reason():
    store = Store(connect(":memory:")).for_profile("default")
    result = submit(store, Broken(GradingError("server timed out after 30 s")), QUESTION, RUBRIC, "canary 5%")
    assert result.grade.grader == "semantic"
    assert result.grade.fallback_reason == "broken grader failed: server timed out after 30 s"
    assert store.attempt(result.attempt_id).grade.fallback_reason == result.grade.fallback_reason


def test_crashing_grader_never_loses_the_answer():
    store = Store(connect(":memory:")).for_profile("default")
    result = submit(store, Broken(RuntimeError("bug")), QUESTION, RUBRIC, "my long careful answer")
    assert result.grade is None and result.error == "RuntimeError: bug"
    saved = store.attempt(result.attempt_id)
    assert saved.answer == "my long careful answer" and saved.status == "failed" and saved.error == "RuntimeError: bug"


@pytest.mark.parametrize("answer", ["", "   \n\t ", "\x00\x01", "x" * 20_001])
def test_unusable_answers_are_refused_before_saving(answer):
    store = Store(connect(":memory:")).for_profile("default")
    with pytest.raises(AnswerError):
        submit(store, get_grader("keyword"), QUESTION, RUBRIC, answer)
    assert store.db["attempts"].count == 0


def test_profiles_see_only_their_attempts():
    store = Store(connect(":memory:"))
    submit(store.for_profile("ada"), get_grader("keyword"), QUESTION, RUBRIC, "canary")
    submit(store.for_profile("bob"), get_grader("keyword"), QUESTION, RUBRIC, "blue green")
    assert [a.answer for a in store.for_profile("ada").attempts()] == ["canary"]
    assert store.for_profile("bob").count_attempts() == 1


def test_drafts_survive_reopening(tmp_path):
    store = Store.open(tmp_path / "d.db")
    store.for_profile("ada").save_draft("practice:q1", "half an answer")
    store.for_profile("ada").save_draft("practice:q1", "most of an answer")
    store.close()
    again = Store.open(tmp_path / "d.db")
    assert again.for_profile("ada").draft("practice:q1") == "most of an answer"
    assert again.for_profile("default").draft("practice:q1") is None  # another profile's draft
    again.for_profile("ada").delete_draft("practice:q1")
    assert again.for_profile("ada").draft("practice:q1") is None
