"""`history`, `export` and `import`: a profile's saved attempts."""

from __future__ import annotations

import argparse
import sys

from ..coaching.answers import interrupted
from ..config import load_settings
from ..history import export, scores
from ..history.store import Store
from ..plain import terminal_safe
from .common import bank, grade_json, history, print_json, write_output


def cmd_history(args: argparse.Namespace) -> int:
    attempts = history(args).attempts(limit=args.limit)
    if args.json:
        print_json(
            [
                a.model_dump(mode="json", exclude={"grade"}) | {"grade": grade_json(a.grade) if a.grade else None}
                for a in attempts
            ]
        )
        return 0
    if not attempts:
        print("No attempts yet.")
    for a in attempts:
        score = scores.label(a.score, a.final_score, missing="-")  # "62 → 81 after follow-ups", as the app says
        status = "not graded" if interrupted(a) else a.status
        when = a.created_at[:16].replace("T", " ")
        print(f"#{a.id:<5} {when}  {status:10} {score:<25} {terminal_safe(a.question_id)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    write_output(export.dumps(history(args), args.format, bank()), args.output)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = Store.open(settings.db_path)
    profile = args.profile or settings.profile  # the chosen profile, never the one the file names
    count = export.import_json(store, export.load_file(args.file), profile)
    print(f"imported {count} attempt(s) into profile {terminal_safe(repr(profile))}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="show saved attempts, newest first")
    p.add_argument("--profile")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("export", help="export a profile's history (Markdown report, JSON or CSV)")
    p.add_argument("--format", choices=["md", "json", "csv"], default="md")
    p.add_argument("--profile")
    p.add_argument("--output", "-o", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="import a JSON export; a malformed file changes nothing")
    p.add_argument("file")
    p.add_argument("--profile", help="import into this profile (default: the current one, INTERVIEWER_PROFILE)")
    p.set_defaults(func=cmd_import)
