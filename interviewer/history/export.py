"""Export a profile's history as JSON, CSV or a Markdown report, and import a JSON export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..content.bank import Bank
from ..errors import UserError
from ..models import LEVEL_LABELS, Attempt
from ..plain import MAX_ANSWER_CHARS, csv_cell, fence, md_escape, strip_controls
from ..redact import redact_data
from .store import ProfileStore, Store
from .store.rows import AttemptRecord, FollowUpRecord

FORMAT = "interviewer-history"
VERSION = 1
PAGE = 500
MAX_IMPORT_BYTES = 50_000_000
MAX_IMPORT_ATTEMPTS = 20_000
MAX_TEXT = 4_000  # any other text in an imported file: a summary, an error, a grader's or criterion's name


class HistoryImportError(UserError, ValueError):
    """The file cannot be imported; nothing was changed. The message says what and where."""


class ExportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["interviewer-history"]
    version: Literal[1]
    exported_at: str | None = None
    profile: str
    attempts: list[AttemptRecord]


def _all_attempts(store: ProfileStore) -> Iterator[Attempt]:
    offset = 0
    while page := store.attempts(limit=PAGE, offset=offset):
        yield from page
        offset += PAGE


def _record(kind, row, **extra):
    """The export's view of a stored row: its fields that `kind` has, plus `extra`."""
    fields = {name: getattr(row, name) for name in kind.model_fields if hasattr(row, name)}
    return kind(**fields | extra)


def records(store: ProfileStore) -> list[AttemptRecord]:
    """Every top-level attempt of a profile, oldest first, with its follow-ups."""
    attempts = sorted(_all_attempts(store), key=lambda a: (a.created_at, a.id))
    modes = store.session_modes()
    out = []
    for a in attempts:
        follow_ups = [_record(FollowUpRecord, f) for f in store.follow_ups(a.id)]
        out.append(_record(AttemptRecord, a, mode=modes.get(a.session_id), follow_ups=follow_ups))
    return out


def to_json(store: ProfileStore) -> str:
    data = ExportFile(
        format=FORMAT,
        version=VERSION,
        exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        profile=store.profile,
        attempts=records(store),
    )
    return data.model_dump_json(indent=2)


CSV_COLUMNS = [
    "created_at",
    "profile",
    "question_id",
    "topic",
    "mode",
    "score",
    "grader",
    "model",
    "fallback_reason",
    "time_taken_s",
    "overran",
    "follow_ups",
    "levels",
    "missed",
    "summary",
    "answer",
]


def to_csv(store: ProfileStore) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for r in records(store):
        g = r.grade
        row = {
            "created_at": r.created_at,
            "profile": store.profile,
            "question_id": r.question_id,
            "topic": r.topic,
            "mode": r.mode,
            "score": g.score if g else None,
            "grader": g.grader if g else None,
            "model": g.model if g else None,
            "fallback_reason": g.fallback_reason if g else None,
            "time_taken_s": r.time_taken_s,
            "overran": r.overran,
            "follow_ups": len(r.follow_ups),
            "levels": "; ".join(f"{c.id}={c.level}" for c in g.criteria) if g else None,
            "missed": "; ".join(m for c in g.criteria for m in c.missed) if g else None,
            "summary": g.summary if g else None,
            "answer": r.answer,
        }
        # A cell that starts like a formula (= + - @) would run in a spreadsheet: it is written as text.
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def _answer(text: str) -> list[str]:
    """An answer as a fenced block: its Markdown, HTML, links and images show as written, never rendered."""
    return [fence(text), ""]


def to_markdown(store: ProfileStore, bank: Bank) -> str:
    """A report to read or share. Every text a user, a pack, a server or an imported file wrote is escaped
    (answers are fenced), so the report shows it as written: no links, images or HTML from it render."""
    profile = store.profile
    recs = records(store)
    scores = [r.grade.score for r in recs if r.grade]
    lines = [f"# Interview practice report: {md_escape(profile)}", ""]
    lines.append(
        f"{len(recs)} attempt(s)"
        + (f", average score {sum(scores) / len(scores):.0f}/100" if scores else "")
        + f". Exported {datetime.now(UTC):%Y-%m-%d}."
    )
    mastery = store.topic_mastery()
    if mastery:
        lines += ["", "| topic | mastery | questions |", "| --- | --- | --- |"]
        lines += [f"| {md_escape(m.topic or '')} | {m.mastery:.0f} | {m.questions} |" for m in mastery]
    for r in reversed(recs):
        question = bank.questions.get(r.question_id)
        title = question.title if question else r.question_id
        score = f"{r.grade.score}/100" if r.grade else r.status
        lines += ["", f"## {r.created_at[:16].replace('T', ' ')}: {md_escape(title)} ({score})", ""]
        if question:
            lines += [f"*{md_escape(question.prompt)}*", ""]
        lines += ["**Answer**", "", *_answer(r.answer)]
        if r.grade:
            lines.append(
                f"Graded by {md_escape(r.grade.grader)}"
                + (f" ({md_escape(r.grade.model)})" if r.grade.model else "")
                + (f"; fallback: {md_escape(r.grade.fallback_reason)}" if r.grade.fallback_reason else "")
            )
            for c in r.grade.criteria:
                lines.append(f"- **{md_escape(c.name or c.id)}**: {c.level}/4 {LEVEL_LABELS[c.level]}")
                lines += [f'  - "{md_escape(e.quote)}"' for e in c.evidence if e.verified]
                lines += [f"  - missed: {md_escape(m)}" for m in c.missed]
            if r.grade.summary:
                lines += ["", md_escape(r.grade.summary)]
        for f in r.follow_ups:
            level = f"{f.grade.criteria[0].level}/4" if f.grade else f.status
            lines += ["", f"Follow-up on {md_escape(f.criterion_id or '')} ({level}):", "", *_answer(f.answer)]
    return "\n".join(lines) + "\n"


def _clean(value: Any, where: str) -> Any:
    """Every string of an imported file cleaned as a live answer is: control characters removed, and a
    length limit (answers: the answer limit; any other text: MAX_TEXT)."""
    if isinstance(value, str):
        limit = MAX_ANSWER_CHARS if where.endswith("answer") else MAX_TEXT
        if where.endswith(("answer", "raw_output")):
            value = strip_controls(value).strip()
        else:
            value = strip_controls(value, keep="\n").strip()
        if where.endswith("raw_output"):
            return value[:MAX_ANSWER_CHARS]  # the record of a model's reply: kept, but never at any length
        if len(value) > limit:
            raise HistoryImportError(f"{where}: {len(value):,} characters; the limit is {limit:,}")
        return value
    if isinstance(value, dict):
        return {k: _clean(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, f"{where}.{i}") for i, v in enumerate(value)]
    return value


def import_json(store: Store, text: str, profile: str) -> int:
    """Import an export into `profile` (the one chosen: the CLI's --profile or the current one; never the
    profile named in the file). All or nothing; returns attempts imported.

    The file is untrusted: every text is cleaned and capped like a live answer, and every score is recomputed
    from the levels it holds (a score in the file is ignored; levels must be 0-4)."""
    if len(text) > MAX_IMPORT_BYTES:
        raise HistoryImportError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise HistoryImportError(f"Invalid JSON: {exc}") from None
    if isinstance(raw, dict) and isinstance(raw.get("attempts"), list) and len(raw["attempts"]) > MAX_IMPORT_ATTEMPTS:
        raise HistoryImportError(f"attempts: more than {MAX_IMPORT_ATTEMPTS:,} in one file")
    try:
        data = ExportFile.model_validate(redact_data(_clean(raw, "")))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise HistoryImportError(f"{where}: {first['msg']}{more}") from None
    empty = next((f"attempts.{i}.answer" for i, a in enumerate(data.attempts) if not a.answer), None)
    if empty:
        raise HistoryImportError(f"{empty}: the answer is empty")
    return store.for_profile(profile).import_records(data.attempts)


def dumps(store: ProfileStore, fmt: str, bank: Bank) -> str:
    if fmt == "json":
        return to_json(store)
    if fmt == "csv":
        return to_csv(store)
    if fmt == "md":
        return to_markdown(store, bank)
    raise ValueError(f"unknown export format {fmt!r} (md, json or csv)")


def load_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(MAX_IMPORT_BYTES + 1)
    except UnicodeDecodeError:
        raise HistoryImportError(f"cannot read {path}: it is not UTF-8 text (a JSON export is)") from None
    except OSError as exc:
        raise HistoryImportError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if len(text) > MAX_IMPORT_BYTES:
        raise HistoryImportError(f"{path} is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    return text
