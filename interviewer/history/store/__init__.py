"""SQLite history through sqlite-utils: every SQL statement of the app lives in this package.

`Store` is the database (one file, shared by every profile); `Store.for_profile(name)` gives a `ProfileStore`,
the only way to read or write a profile's history, so no call can reach another profile's data by
forgetting an argument. The schema changes only through `interviewer/history/migrations.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from .database import BUSY_TIMEOUT_S, DEFAULT_PROFILE, connect, default_db_path, now
from .profile import MAX_DRAFT_CHARS, DraftTooLong, NotYours, ProfileStore
from .rows import (
    CriterionLevel,
    DayScore,
    DeliveryRow,
    QuizRoundRow,
    SavedAttempt,
    ScoredAttempt,
    SessionRow,
    TopicMastery,
)

__all__ = [
    "BUSY_TIMEOUT_S",
    "DEFAULT_PROFILE",
    "MAX_DRAFT_CHARS",
    "CriterionLevel",
    "DayScore",
    "DeliveryRow",
    "DraftTooLong",
    "NotYours",
    "ProfileStore",
    "QuizRoundRow",
    "SavedAttempt",
    "ScoredAttempt",
    "SessionRow",
    "Store",
    "TopicMastery",
    "connect",
    "default_db_path",
    "now",
]


class Store:
    """The database. Profile data is reached only through `for_profile`."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        return cls(connect(path))

    def for_profile(self, name: str) -> ProfileStore:
        return ProfileStore(self, name.strip() or DEFAULT_PROFILE)

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

    def profile_id(self, name: str) -> int:
        """The profile's id, creating the profile on first use."""
        name = name.strip() or DEFAULT_PROFILE
        rows = list(self.db["profiles"].rows_where("name = ?", [name], limit=1))
        if rows:
            return rows[0]["id"]
        with self.write():
            self.db.execute("INSERT OR IGNORE INTO profiles (name, created_at) VALUES (?, ?)", [name, now()])
        return next(self.db["profiles"].rows_where("name = ?", [name]))["id"]

    def adopt_profile(self, old: str, new: str) -> bool:
        """Move everything of profile `old` into profile `new` (a rename when `new` has nothing yet), in one
        transaction; False when there is no `old`. Used once, when a hosted account signs in for the first time
        since profiles were keyed by e-mail."""
        with self.write():
            old_row = next(iter(self.db["profiles"].rows_where("name = ?", [old], limit=1)), None)
            if old_row is None or old == new:
                return False
            new_row = next(iter(self.db["profiles"].rows_where("name = ?", [new], limit=1)), None)
            if new_row is None:
                self.db.execute("UPDATE profiles SET name = ? WHERE id = ?", [new, old_row["id"]])
                return True
            ids = [new_row["id"], old_row["id"]]
            for table in ("attempts", "sessions", "quiz_rounds"):
                self.db.execute(f"UPDATE {table} SET profile_id = ? WHERE profile_id = ?", ids)
            # The signed-in account's own draft wins over an old one for the same answer box.
            self.db.execute("UPDATE OR IGNORE drafts SET profile_id = ? WHERE profile_id = ?", ids)
            self.db.execute("DELETE FROM drafts WHERE profile_id = ?", [old_row["id"]])
            self.db.execute("DELETE FROM profiles WHERE id = ?", [old_row["id"]])
        return True

    def profiles(self) -> list[str]:
        return [r["name"] for r in self.db.query("SELECT name FROM profiles ORDER BY name")]
