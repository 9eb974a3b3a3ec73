"""`validate`, `list` and `glossary`: the question bank from a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..coaching import quiz
from ..content.bank import load_paths
from .common import CliError, bank, print_json


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}")
    loaded = load_paths(paths) if paths else bank()
    for problem in loaded.problems:
        print(problem)
    if loaded.problems:
        print(f"{len(loaded.problems)} problem(s) in {len(loaded.broken_files)} file(s)", file=sys.stderr)
        return 1
    print(
        f"ok: {len(loaded.questions)} questions, {len(loaded.rubrics)} rubrics, {len(loaded.quiz)} quiz questions, "
        f"{len(loaded.glossary)} glossary terms",
        file=sys.stderr,
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    loaded = bank()
    questions = sorted(loaded.questions.values(), key=lambda q: (q.topic, q.id))
    if args.topic:
        questions = [q for q in questions if q.topic == args.topic]
        if not questions:
            raise CliError(f"no questions for topic {args.topic!r}; topics: {', '.join(loaded.topics())}")
    if args.json:
        fields = {"id", "title", "topic", "difficulty", "kind", "rubric", "suggested_minutes", "tags"}
        print_json([q.model_dump(include=fields) for q in questions])
        return 0
    for q in questions:
        print(f"{q.id:40} {q.topic:22} {q.difficulty:7} {q.title}")
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    found = quiz.look_up(bank(), " ".join(args.term))
    if not found:
        raise CliError(f"no glossary entry for {' '.join(args.term)!r}")
    if not args.term:
        print("\n".join(t.term for t in found))
        return 0
    for t in found[:3]:
        aliases = f" ({', '.join(t.aliases)})" if t.aliases else ""
        print(f"{t.term}{aliases}\n\n{t.definition}\n\nIn an interview: {t.interview}")
        if t.related:
            print(f"\nRelated: {', '.join(t.related)}")
        print()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check questions and rubrics; exit 1 on any problem")
    p.add_argument("paths", nargs="*", help="files or folders to check (default: the built-in bank)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="list the question bank")
    p.add_argument("--topic")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("glossary", help="look up a deployment term (no term: list them all)")
    p.add_argument("term", nargs="*")
    p.set_defaults(func=cmd_glossary)
