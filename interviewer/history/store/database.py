"""Opening (creating and migrating) the history database."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from ..migrations import migrations

DEFAULT_PROFILE = "default"
BUSY_TIMEOUT_S = 30


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("interviewer", appauthor=False)) / "history.db"


def create_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only (0600), before SQLite opens it.
    SQLite gives the -wal and -shm files it makes later the same permissions as the database file."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # no O_EXCL: an existing file is left as it is


def connect(path: str | Path | None = None, *, apply: bool = True) -> Database:
    """Open (creating if missing) and migrate a history database. `":memory:"` for tests."""
    if str(path) == ":memory:":
        db = Database(memory=True)
    else:
        path = Path(path) if path else default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private(path)
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
