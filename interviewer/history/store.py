"""SQLite history through sqlite-utils. Schema changes happen only through migrations below."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from ..models import Attempt, Grade, Question, Rubric
from .migrations import migrations

DEFAULT_PROFILE = "default"
BUSY_TIMEOUT_S = 30


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("interviewer", appauthor=False)) / "history.db"


def connect(path: str | Path | None = None, *, apply: bool = True) -> Database:
    """Open (creating if missing) and migrate a history database. `":memory:"` for tests."""
    if str(path) == ":memory:":
        db = Database(memory=True)
    else:
        path = Path(path) if path else default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False))
        db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    if apply:
        for tries_left in reversed(range(3)):
            try:
                migrations.apply(db)
                break
            except sqlite3.OperationalError:
                # Another process is migrating the same new database; its work is done on the next look.
                if not tries_left:
                    raise
                time.sleep(0.5)
    return db


class Store:
    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        return cls(connect(path))

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

        With a plain deferred BEGIN, a transaction that reads and then writes can fail at once with
        "database is locked" when another process wrote in between, without waiting for the busy timeout.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():  # nested: a savepoint
                yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.conn.rollback()
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    def profile_id(self, name: str = DEFAULT_PROFILE) -> int:
        name = name.strip() or DEFAULT_PROFILE
        rows = list(self.db["profiles"].rows_where("name = ?", [name], limit=1))
        if rows:
            return rows[0]["id"]
        with self.write():
            self.db.execute("INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", [name, now()])
        return next(self.db["profiles"].rows_where("name = ?", [name]))["id"]

    def start_session(self, mode: str, profile: str = DEFAULT_PROFILE) -> int:
        with self.write():
            table = self.db["sessions"].insert(
                {"profile_id": self.profile_id(profile), "mode": mode, "started_at": now()}
            )
        return table.last_pk

    def save_attempt(
        self,
        question: Question,
        rubric: Rubric,
        answer: str,
        *,
        profile: str = DEFAULT_PROFILE,
        session_id: int | None = None,
        source: str = "typed",
        time_taken_s: float | None = None,
        overran: bool | None = None,
        parent_id: int | None = None,
        criterion_id: str | None = None,
        created_at: str | None = None,
        delivery: dict | None = None,
    ) -> int:
        """Save the answer before it is graded, so a failing grader never loses it."""
        row = {
            "profile_id": self.profile_id(profile),
            "session_id": session_id,
            "question_id": question.id,
            "topic": question.topic,
            "rubric_id": rubric.id,
            "rubric_version": rubric.version,
            "answer": answer,
            "source": source,
            "status": "pending",
            "created_at": created_at or now(),
            "delivery_json": json.dumps(delivery) if delivery else None,
            "time_taken_s": time_taken_s,
            "overran": overran,
            "parent_id": parent_id,
            "criterion_id": criterion_id,
        }
        with self.write():
            return self.db["attempts"].insert(row).last_pk

    def save_grade(self, attempt_id: int, grade: Grade) -> int:
        p = grade.provenance
        with self.write():
            grade_id = (
                self.db["grades"]
                .insert(
                    {
                        "attempt_id": attempt_id,
                        "grader": grade.grader,
                        "model": grade.model,
                        "score": grade.score,
                        "fallback_reason": grade.fallback_reason,
                        "summary": grade.summary,
                        "follow_up": grade.follow_up,
                        "host": p.host,
                        "prompt_version": p.prompt_version,
                        "rubric_version": grade.rubric_version,
                        "raw_output": p.raw_output,
                        "latency_ms": p.latency_ms,
                        "prompt_tokens": p.prompt_tokens,
                        "completion_tokens": p.completion_tokens,
                        "grade_json": grade.model_dump_json(),
                        "created_at": now(),
                    }
                )
                .last_pk
            )
            self.db["criterion_grades"].insert_all(
                {
                    "grade_id": grade_id,
                    "criterion_id": c.id,
                    "name": c.name,
                    "level": c.level,
                    "weight": c.weight,
                    "evidence": json.dumps([e.model_dump() for e in c.evidence]),
                    "missed": json.dumps(c.missed),
                    "red_flags": json.dumps(c.red_flags),
                }
                for c in grade.criteria
            )
            self.db["attempts"].update(attempt_id, {"status": "graded", "error": None, "graded_at": now()})
        return grade_id

    def mark_failed(self, attempt_id: int, error: str) -> None:
        with self.write():
            self.db["attempts"].update(attempt_id, {"status": "failed", "error": error[:2000]})

    _ATTEMPTS_SQL = """
        SELECT a.id, p.name AS profile, a.session_id, a.question_id, a.topic, a.rubric_id, a.rubric_version,
               a.answer, a.source, a.status, a.error, a.created_at, a.time_taken_s, a.overran, a.parent_id,
               a.criterion_id, a.delivery_json,
               g.score, g.grader, g.grade_json
        FROM attempts a
        JOIN profiles p ON p.id = a.profile_id
        LEFT JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)
    """

    def attempts(
        self,
        profile: str = DEFAULT_PROFILE,
        *,
        limit: int = 50,
        offset: int = 0,
        **filters: str | None,
    ) -> list[Attempt]:
        """Top-level attempts, newest first, filtered by question_id, topic, grader, mode,
        since and until (ISO dates, inclusive)."""
        where, params = self._filters(profile, **filters)
        sql = f"{self._ATTEMPTS_SQL} WHERE {' AND '.join(where)} ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?"
        return [self._attempt(row) for row in self.db.query(sql, [*params, limit, offset])]

    # Reads by id take the profile too: on a shared deployment an id from one user never opens
    # another user's data.

    def attempt(self, attempt_id: int, profile: str = DEFAULT_PROFILE) -> Attempt | None:
        rows = list(self.db.query(f"{self._ATTEMPTS_SQL} WHERE a.id = ? AND p.name = ?", [attempt_id, profile]))
        return self._attempt(rows[0]) if rows else None

    @staticmethod
    def _filters(
        profile: str,
        question_id: str | None = None,
        topic: str | None = None,
        grader: str | None = None,
        mode: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[list[str], list]:
        where, params = ["p.name = ?", "a.parent_id IS NULL"], [profile]
        for clause, value in [
            ("a.question_id = ?", question_id),
            ("a.topic = ?", topic),
            ("g.grader = ?", grader),
            ("a.session_id IN (SELECT id FROM sessions WHERE mode = ?)", mode),
            ("a.created_at >= ?", since),
            ("a.created_at < date(?, '+1 day')", until),
        ]:
            if value:
                where.append(clause)
                params.append(value)
        return where, params

    def graders(self, profile: str = DEFAULT_PROFILE) -> list[str]:
        """The graders that graded this profile's answers, for the History filter."""
        sql = (
            "SELECT DISTINCT g.grader FROM grades g JOIN attempts a ON a.id = g.attempt_id "
            "JOIN profiles p ON p.id = a.profile_id WHERE p.name = ? AND a.parent_id IS NULL ORDER BY g.grader"
        )
        return [r["grader"] for r in self.db.query(sql, [profile])]

    def count_filtered(self, profile: str = DEFAULT_PROFILE, **filters: str | None) -> int:
        where, params = self._filters(profile, **filters)
        sql = f"SELECT count(*) AS n FROM ({self._ATTEMPTS_SQL} WHERE {' AND '.join(where)})"
        return next(self.db.query(sql, params))["n"]

    def previous_attempt(self, attempt: Attempt) -> Attempt | None:
        """The same candidate's previous graded attempt at the same question, for side-by-side comparison."""
        sql = (
            f"{self._ATTEMPTS_SQL} WHERE p.name = ? AND a.question_id = ? AND a.parent_id IS NULL "
            "AND a.status = 'graded' AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?)) "
            "ORDER BY a.created_at DESC, a.id DESC LIMIT 1"
        )
        rows = list(
            self.db.query(
                sql, [attempt.profile, attempt.question_id, attempt.created_at, attempt.created_at, attempt.id]
            )
        )
        return self._attempt(rows[0]) if rows else None

    def save_quiz(self, round_json: str, result: dict, profile: str = DEFAULT_PROFILE) -> int:
        data = json.loads(round_json)
        row = {
            "profile_id": self.profile_id(profile),
            "started_at": data["started_at"],
            "finished_at": data.get("finished_at"),
            "seed": data["seed"],
            "questions": result["total"],
            "correct": result["correct"],
            "late": result["late"],
            "time_used_s": result["time_used_s"],
            "over_time": result["over_time"],
            "round_json": round_json,
            "result_json": json.dumps(result),
        }
        with self.write():
            return self.db["quiz_rounds"].insert(row).last_pk

    def quiz_rounds(self, profile: str = DEFAULT_PROFILE, limit: int = 100) -> list[dict]:
        sql = (
            "SELECT q.id, q.started_at, q.seed, q.questions, q.correct, q.late, q.time_used_s, q.over_time, "
            "q.result_json FROM quiz_rounds q JOIN profiles p ON p.id = q.profile_id WHERE p.name = ? "
            "ORDER BY q.started_at DESC LIMIT ?"
        )
        return list(self.db.query(sql, [profile, limit]))

    def profiles(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM profiles ORDER BY name")]

    def follow_ups(self, attempt_id: int, profile: str = DEFAULT_PROFILE) -> list[Attempt]:
        sql = f"{self._ATTEMPTS_SQL} WHERE a.parent_id = ? AND p.name = ? ORDER BY a.id"
        return [self._attempt(row) for row in self.db.query(sql, [attempt_id, profile])]

    def count_attempts(self, profile: str = DEFAULT_PROFILE) -> int:
        sql = (
            "SELECT count(*) AS n FROM attempts a JOIN profiles p ON p.id = a.profile_id "
            "WHERE p.name = ? AND a.parent_id IS NULL"
        )
        return next(self.db.query(sql, [profile]))["n"]

    # Interview sessions: their state is saved after every step so an interview can be resumed.

    def save_session_state(self, session_id: int, state_json: str, *, finished: bool = False) -> None:
        update = {"state_json": state_json, "status": "finished" if finished else "open"}
        if finished:
            update["ended_at"] = now()
        with self.write():
            self.db["sessions"].update(session_id, update)

    def session(self, session_id: int, profile: str = DEFAULT_PROFILE) -> dict | None:
        sql = "SELECT s.* FROM sessions s JOIN profiles p ON p.id = s.profile_id WHERE s.id = ? AND p.name = ?"
        rows = list(self.db.query(sql, [session_id, profile]))
        return rows[0] if rows else None

    def open_sessions(self, profile: str = DEFAULT_PROFILE, mode: str | None = None) -> list[dict]:
        sql = (
            "SELECT s.* FROM sessions s JOIN profiles p ON p.id = s.profile_id "
            "WHERE p.name = ? AND s.status = 'open' AND s.state_json IS NOT NULL"
            + (" AND s.mode = ?" if mode else "")
            + " ORDER BY s.id DESC"
        )
        return list(self.db.query(sql, [profile, mode] if mode else [profile]))

    # Drafts: an answer in progress, kept across reruns and browser refreshes.

    def save_draft(self, key: str, text: str, profile: str = DEFAULT_PROFILE) -> None:
        with self.write():
            self.db["drafts"].upsert(
                {"profile_id": self.profile_id(profile), "key": key, "text": text, "updated_at": now()},
                pk=("profile_id", "key"),
            )

    def draft(self, key: str, profile: str = DEFAULT_PROFILE) -> str | None:
        rows = list(self.db["drafts"].rows_where("profile_id = ? AND key = ?", [self.profile_id(profile), key]))
        return rows[0]["text"] if rows else None

    def delete_draft(self, key: str, profile: str = DEFAULT_PROFILE) -> None:
        with self.write():
            self.db.execute("DELETE FROM drafts WHERE profile_id = ? AND key = ?", [self.profile_id(profile), key])

    @staticmethod
    def _attempt(row: dict) -> Attempt:
        delivery = row.pop("delivery_json", None)
        row["delivery"] = json.loads(delivery) if delivery else None
        grade_json = row.pop("grade_json")
        row["grade"] = Grade.model_validate_json(grade_json) if grade_json else None
        return Attempt.model_validate(row)
