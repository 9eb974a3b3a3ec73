"""`python -m interviewer` / `interviewer`: one module per command group, each with `register(sub)`.

A `UserError` (or an OS error such as a missing file) is printed as one line and exits 1; anything else
is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from ..plain import TerminalStream
from . import content, grading, history, packs, practice, tailor

GROUPS = (content, grading, history, practice, packs, tailor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Mock-interview coach for ML deployment.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Everything printed passes through one filter: no terminal escape sequences or other control characters,
    # whatever a pack, a server or an imported file wrote (JSON escapes them anyway). Progress lines on
    # stderr keep their carriage return.
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(stdout), TerminalStream(stderr, keep="\n\t\r")
    try:
        return args.func(args)
    except (UserError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        sys.stdout, sys.stderr = stdout, stderr
