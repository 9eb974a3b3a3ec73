"""`interviewer tailor`: the skills a job description asks for and the bank's questions ranked for it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..coaching import tailor
from .common import bank


def cmd_tailor(args: argparse.Namespace) -> int:
    text = tailor.clean_text(sys.stdin.read()) if args.stdin else tailor.read_file(Path(args.jd_file))
    result = tailor.rank(text, bank())
    result = result.model_copy(update={"matches": result.top(args.top)})
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return 0
    if result.message:
        print(result.message)
    print("Skills asked for:")
    for s in result.skills:
        nice = " (nice to have)" if s.nice_to_have else ""
        print(f"  {s.name}{nice}: weight {s.weight:.2f}; {', '.join(repr(p) for p in s.phrases)}")
    print("\nBest matching questions:")
    for i, m in enumerate(result.matches, 1):
        print(f"{i:3}. {m.question_id}  ({m.topic}, score {m.score:.2f})\n     {m.title}\n     why: {m.why}")
    if result.gaps:
        print("\nGaps (skills the bank covers poorly):")
        for g in result.gaps:
            print(f"  {g.name}: best coverage {g.best_coverage:.2f}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tailor", help="rank the bank's questions for a job description")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--jd-file", help="a .txt, .md or .pdf job description")
    src.add_argument("-", dest="stdin", action="store_true", help="read the job description from stdin")
    p.add_argument("--top", type=int, default=10, help="how many questions to show (default 10)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tailor)
