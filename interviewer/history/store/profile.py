"""One profile's history: answers, grades, interview sessions, drafts and quiz rounds.

Every query is scoped to the profile this store is bound to; reads by id check the owner too, so on a
shared deployment an id from one user never opens another user's data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ...errors import UserError
from ...models import Attempt, Grade, Question, Rubric
from ...plain import MAX_ANSWER_CHARS
from ...redact import redact, redact_data
from .. import scores
from .aggregates import Aggregates
from .database import now
from .rows import AttemptRecord, DeliveryRow, FollowUpRecord, QuizRoundRow, SavedAttempt, SessionRow

if TYPE_CHECKING:
    from sqlite_utils import Database

    from . import Store

_ATTEMPTS_SQL = """
    SELECT a.id, p.name AS profile, a.session_id, a.question_id, a.topic, a.rubric_id, a.rubric_version,
           a.answer, a.source, a.status, a.error, a.created_at, a.time_taken_s, a.overran, a.parent_id,
           a.criterion_id, a.delivery_json, a.final_score, a.excluded,
           g.score, g.grader, g.grade_json
    FROM attempts a
    JOIN profiles p ON p.id = a.profile_id
    LEFT JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = a.id)
"""


# A draft is the answer box's text; the box holds at most MAX_ANSWER_CHARS, a spoken answer may add a little.
MAX_DRAFT_CHARS = MAX_ANSWER_CHARS + 5_000
MAX_DRAFT_KEY = 300


class NotYours(LookupError):
    """An id that is not this profile's (a bug, or a forged id): nothing is read or written."""


class DraftTooLong(UserError, ValueError):
    """A draft over the size limit is not saved; the message says so."""


class ProfileStore(Aggregates):
    def __init__(self, store: Store, profile: str):
        self.store = store
        self.profile = profile

    @property
    def db(self) -> Database:
        return self.store.db

    def write(self):
        return self.store.write()

    @property
    def profile_id(self) -> int:
        return self.store.profile_id(self.profile)

    def _own(self, table: str, row_id: int) -> None:
        rows = self.db.query(f"SELECT profile_id FROM {table} WHERE id = ?", [row_id])
        if next(iter(rows), {}).get("profile_id") != self.profile_id:
            raise NotYours(f"{table} {row_id} is not in profile {self.profile!r}")

    # Answers and grades

    def save_attempt(
        self,
        question: Question,
        rubric: Rubric,
        answer: str,
        *,
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
            "profile_id": self.profile_id,
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
        # Whatever a server wrote (raw output, summary, fallback reasons) is stored without any secret in it.
        grade = Grade.model_validate(redact_data(grade.model_dump(exclude={"score"})))
        p = grade.provenance
        with self.write():
            self._own("attempts", attempt_id)
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
            self._refresh_final_score(attempt_id)
        return grade_id

    def _refresh_final_score(self, attempt_id: int) -> None:
        """Recompute the score after follow-ups of the answer this attempt belongs to (itself, or the answer a
        follow-up replies to), from the levels of their latest grades."""
        main = next(self.db.query("SELECT coalesce(parent_id, id) AS id FROM attempts WHERE id = ?", [attempt_id]))
        main_id = main["id"]
        criteria = [
            (r["criterion_id"], r["level"], r["weight"])
            for r in self.db.query(
                "SELECT c.criterion_id, c.level, c.weight FROM criterion_grades c "
                "WHERE c.grade_id = (SELECT max(id) FROM grades WHERE attempt_id = ?)",
                [main_id],
            )
        ]
        follow_ups = {
            r["criterion_id"]: r["level"]
            for r in self.db.query(
                "SELECT f.criterion_id, max(c.level) AS level FROM attempts f "
                "JOIN grades g ON g.id = (SELECT max(id) FROM grades WHERE attempt_id = f.id) "
                "JOIN criterion_grades c ON c.grade_id = g.id AND c.criterion_id = f.criterion_id "
                "WHERE f.parent_id = ? GROUP BY f.criterion_id",
                [main_id],
            )
        }
        final = scores.final_score(criteria, follow_ups) if criteria else None
        self.db["attempts"].update(main_id, {"final_score": final})

    def set_excluded(self, attempt_id: int, excluded: bool = True) -> None:
        """Leave an answer out of progress (weakest areas, mastery, recommendations, delivery trends), or take
        it back in. History still lists it."""
        with self.write():
            self._own("attempts", attempt_id)
            self.db["attempts"].update(attempt_id, {"excluded": int(excluded)})

    def delete_attempt(self, attempt_id: int) -> int:
        """Delete an answer with its follow-ups and all their grades. Returns how many attempts went."""
        with self.write():
            self._own("attempts", attempt_id)
            ids = [
                attempt_id,
                *(r["id"] for r in self.db.query("SELECT id FROM attempts WHERE parent_id = ?", [attempt_id])),
            ]
            marks = ", ".join("?" for _ in ids)
            grades = f"SELECT id FROM grades WHERE attempt_id IN ({marks})"
            self.db.execute(f"DELETE FROM criterion_grades WHERE grade_id IN ({grades})", ids)
            self.db.execute(f"DELETE FROM grades WHERE attempt_id IN ({marks})", ids)
            self.db.execute("DELETE FROM attempts WHERE parent_id = ?", [attempt_id])
            self.db.execute("DELETE FROM attempts WHERE id = ?", [attempt_id])
        return len(ids)

    def mark_failed(self, attempt_id: int, error: str) -> None:
        with self.write():
            self._own("attempts", attempt_id)
            self.db["attempts"].update(attempt_id, {"status": "failed", "error": (redact(error) or "")[:2000]})

    def attempts(self, *, limit: int = 50, offset: int = 0, **filters: str | None) -> list[SavedAttempt]:
        """Top-level attempts, newest first, filtered by question_id, topic, grader, mode,
        since and until (ISO dates, inclusive)."""
        where, params = self._filters(**filters)
        sql = f"{_ATTEMPTS_SQL} WHERE {' AND '.join(where)} ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?"
        return [_attempt(row) for row in self.db.query(sql, [*params, limit, offset])]

    def attempt(self, attempt_id: int) -> SavedAttempt | None:
        rows = list(self.db.query(f"{_ATTEMPTS_SQL} WHERE a.id = ? AND p.name = ?", [attempt_id, self.profile]))
        return _attempt(rows[0]) if rows else None

    def _filters(
        self,
        question_id: str | None = None,
        topic: str | None = None,
        grader: str | None = None,
        mode: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[list[str], list]:
        where, params = ["p.name = ?", "a.parent_id IS NULL"], [self.profile]
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

    def count_filtered(self, **filters: str | None) -> int:
        where, params = self._filters(**filters)
        sql = f"SELECT count(*) AS n FROM ({_ATTEMPTS_SQL} WHERE {' AND '.join(where)})"
        return next(self.db.query(sql, params))["n"]

    def count_attempts(self) -> int:
        sql = (
            "SELECT count(*) AS n FROM attempts a JOIN profiles p ON p.id = a.profile_id "
            "WHERE p.name = ? AND a.parent_id IS NULL"
        )
        return next(self.db.query(sql, [self.profile]))["n"]

    def count_excluded(self) -> int:
        sql = (
            "SELECT count(*) AS n FROM attempts a JOIN profiles p ON p.id = a.profile_id "
            "WHERE p.name = ? AND a.parent_id IS NULL AND a.excluded"
        )
        return next(self.db.query(sql, [self.profile]))["n"]

    def graders(self) -> list[str]:
        """The graders that graded this profile's answers, for the History filter."""
        sql = (
            "SELECT DISTINCT g.grader FROM grades g JOIN attempts a ON a.id = g.attempt_id "
            "JOIN profiles p ON p.id = a.profile_id WHERE p.name = ? AND a.parent_id IS NULL ORDER BY g.grader"
        )
        return [r["grader"] for r in self.db.query(sql, [self.profile])]

    def previous_attempt(self, attempt: Attempt) -> SavedAttempt | None:
        """The previous graded attempt at the same question, for side-by-side comparison."""
        sql = (
            f"{_ATTEMPTS_SQL} WHERE p.name = ? AND a.question_id = ? AND a.parent_id IS NULL "
            "AND a.status = 'graded' AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?)) "
            "ORDER BY a.created_at DESC, a.id DESC LIMIT 1"
        )
        params = [self.profile, attempt.question_id, attempt.created_at, attempt.created_at, attempt.id]
        rows = list(self.db.query(sql, params))
        return _attempt(rows[0]) if rows else None

    def follow_ups(self, attempt_id: int) -> list[SavedAttempt]:
        sql = f"{_ATTEMPTS_SQL} WHERE a.parent_id = ? AND p.name = ? ORDER BY a.id"
        return [_attempt(row) for row in self.db.query(sql, [attempt_id, self.profile])]

    def spoken_deliveries(self) -> list[DeliveryRow]:
        """The delivery metrics of every spoken answer and follow-up reply progress counts, oldest first."""
        sql = (
            "SELECT a.created_at, a.delivery_json FROM attempts a JOIN profiles p ON p.id = a.profile_id "
            "LEFT JOIN attempts m ON m.id = a.parent_id WHERE p.name = ? AND a.delivery_json IS NOT NULL "
            "AND NOT a.excluded AND NOT coalesce(m.excluded, 0) ORDER BY a.created_at, a.id"
        )
        return [
            DeliveryRow(created_at=r["created_at"], delivery=json.loads(r["delivery_json"]))
            for r in self.db.query(sql, [self.profile])
        ]

    # Interview sessions: their state is saved after every step so an interview can be resumed.

    def start_session(self, mode: str) -> int:
        with self.write():
            row = {"profile_id": self.profile_id, "mode": mode, "started_at": now()}
            return self.db["sessions"].insert(row).last_pk

    def save_session_state(self, session_id: int, state_json: str, *, finished: bool = False) -> None:
        update = {"state_json": state_json, "status": "finished" if finished else "open"}
        if finished:
            update["ended_at"] = now()
        with self.write():
            self._own("sessions", session_id)
            self.db["sessions"].update(session_id, update)

    _SESSION_SQL = (
        "SELECT s.id, s.mode, s.status, s.started_at, s.ended_at, s.state_json "
        "FROM sessions s JOIN profiles p ON p.id = s.profile_id WHERE p.name = ?"
    )

    def session(self, session_id: int) -> SessionRow | None:
        rows = list(self.db.query(f"{self._SESSION_SQL} AND s.id = ?", [self.profile, session_id]))
        return SessionRow.model_validate(rows[0]) if rows else None

    def open_sessions(self, mode: str | None = None) -> list[SessionRow]:
        sql = f"{self._SESSION_SQL} AND s.status = 'open' AND s.state_json IS NOT NULL"
        sql += " AND s.mode = ?" if mode else ""
        rows = self.db.query(sql + " ORDER BY s.id DESC", [self.profile, mode] if mode else [self.profile])
        return [SessionRow.model_validate(r) for r in rows]

    def session_modes(self) -> dict[int, str]:
        sql = "SELECT s.id, s.mode FROM sessions s JOIN profiles p ON p.id = s.profile_id WHERE p.name = ?"
        return {r["id"]: r["mode"] for r in self.db.query(sql, [self.profile])}

    # Drafts: an answer in progress, kept across reruns and browser refreshes.

    def save_draft(self, key: str, text: str) -> None:
        if len(text) > MAX_DRAFT_CHARS:
            raise DraftTooLong(
                f"The draft is {len(text):,} characters long; only {MAX_DRAFT_CHARS:,} are kept. "
                f"An answer may be at most {MAX_ANSWER_CHARS:,} characters."
            )
        if len(key) > MAX_DRAFT_KEY:
            raise DraftTooLong(f"a draft key is at most {MAX_DRAFT_KEY} characters")
        with self.write():
            self.db["drafts"].upsert(
                {"profile_id": self.profile_id, "key": key, "text": text, "updated_at": now()},
                pk=("profile_id", "key"),
            )

    def draft(self, key: str) -> str | None:
        rows = list(self.db["drafts"].rows_where("profile_id = ? AND key = ?", [self.profile_id, key]))
        return rows[0]["text"] if rows else None

    def delete_draft(self, key: str) -> None:
        with self.write():
            self.db.execute("DELETE FROM drafts WHERE profile_id = ? AND key = ?", [self.profile_id, key])

    # Quiz rounds

    def save_quiz(self, round_json: str, result: dict) -> int:
        data = json.loads(round_json)
        row = {
            "profile_id": self.profile_id,
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

    def quiz_rounds(self, limit: int = 100) -> list[QuizRoundRow]:
        sql = (
            "SELECT q.id, q.started_at, q.seed, q.questions, q.correct, q.late, q.time_used_s, q.over_time, "
            "q.result_json FROM quiz_rounds q JOIN profiles p ON p.id = q.profile_id WHERE p.name = ? "
            "ORDER BY q.started_at DESC LIMIT ?"
        )
        return [QuizRoundRow.model_validate(r) for r in self.db.query(sql, [self.profile, limit])]

    # Import of an export file: all or nothing.

    def import_records(self, records: Iterable[AttemptRecord]) -> int:
        count = 0
        with self.write():
            profile_id = self.profile_id
            sessions: dict[str, int] = {}
            for r in records:
                session_id = None
                if r.mode:
                    if r.mode not in sessions:
                        row = {"profile_id": profile_id, "mode": r.mode, "started_at": now(), "status": "imported"}
                        sessions[r.mode] = self.db["sessions"].insert(row).last_pk
                    session_id = sessions[r.mode]
                parent = self._insert(profile_id, session_id, r, None)
                for f in r.follow_ups:
                    self._insert(profile_id, session_id, f, parent, base=r)
                count += 1
        return count

    def _insert(
        self,
        profile_id: int,
        session_id: int | None,
        r: FollowUpRecord,
        parent_id: int | None,
        base: AttemptRecord | None = None,
    ) -> int:
        main = base or r
        row = {
            "profile_id": profile_id,
            "session_id": session_id,
            "question_id": main.question_id,
            "topic": main.topic,
            "rubric_id": main.rubric_id,
            "rubric_version": main.rubric_version,
            "answer": r.answer,
            "source": r.source or main.source,
            "status": "pending",
            "created_at": r.created_at,
            "parent_id": parent_id,
            "criterion_id": r.criterion_id,
            "time_taken_s": None if base else main.time_taken_s,
            "overran": None if base else main.overran,
            "delivery_json": json.dumps(r.delivery) if r.delivery else None,
        }
        attempt_id = self.db["attempts"].insert(row).last_pk
        if r.grade:
            self.save_grade(attempt_id, r.grade)
        if r.status == "failed":
            self.mark_failed(attempt_id, r.error or "")
        elif r.status == "pending":
            self.db["attempts"].update(attempt_id, {"status": "pending", "graded_at": None})
        return attempt_id


def _attempt(row: dict) -> SavedAttempt:
    delivery = row.pop("delivery_json", None)
    row["delivery"] = json.loads(delivery) if delivery else None
    grade_json = row.pop("grade_json")
    row["grade"] = Grade.model_validate_json(grade_json) if grade_json else None
    row["excluded"] = bool(row.get("excluded"))
    return SavedAttempt.model_validate(row)
