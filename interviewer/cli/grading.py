"""`grade`, `eval` and `rubric draft`: grading answers, and measuring graders against human scores."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..coaching.answers import clean_answer, find_question, grade_with_fallback, submit
from ..config import load_settings
from ..graders import choose, evaluate, get_grader
from ..models import LEVEL_LABELS, Grade
from .common import CliError, bank, grade_json, history, print_json, read_stdin, read_text

GRADER_HELP = "keyword, semantic, llm, ... (default: INTERVIEWER_GRADER or auto)"


def _read_answer(args: argparse.Namespace) -> str:
    if args.stdin:
        return read_stdin("the answer on standard input")
    if args.answer_file:
        return read_text(args.answer_file, "answer file")
    return args.answer or ""


def _print_grade(grade: Grade) -> None:
    print(f"Score: {grade.score}/100  (grader: {grade.grader}{', model: ' + grade.model if grade.model else ''})")
    if grade.fallback_reason:
        print(f"Note: graded by the fallback grader because {grade.fallback_reason}")
    for c in grade.criteria:
        print(f"\n[{c.level}/4 {LEVEL_LABELS[c.level]}] {c.name or c.id} (weight {c.weight:g})")
        for e in c.evidence:
            print(f'  + "{e.quote}"' + ("" if e.verified else "  (not found in the answer)"))
        for m in c.missed:
            print(f"  - missed: {m}")
        for w in c.wrong_claims:
            print(f'  ! wrong: {w.claim}. You said: "{w.quote}"\n    {w.why}')
        for f, said in c.flags_said():
            print(f"  ! red flag: {f}" + (f' (you said: "{said}")' if said else ""))
        for n in c.notes:
            print(f"  * {n}")
    if grade.summary:
        print(f"\n{grade.summary}")
    if grade.follow_up:
        print(f"\nFollow-up: {grade.follow_up}")


def cmd_grade(args: argparse.Namespace) -> int:
    settings = load_settings()
    question, rubric = find_question(bank(), args.question_id)
    answer = clean_answer(_read_answer(args))
    grader = get_grader(args.grader or choose(settings), settings=settings)
    if args.save:
        result = submit(history(args, settings), grader, question, rubric, answer)
        if result.grade is None:
            raise CliError(f"answer saved as attempt {result.attempt_id}, but grading failed: {result.error}")
        grade = result.grade
    else:
        grade = grade_with_fallback(grader, question, rubric, answer)
    if args.json:
        print_json(grade_json(grade))
    else:
        _print_grade(grade)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    rows = evaluate.read_csv(
        Path(args.data),
        question=args.question_col,
        reference=args.reference_col,
        answer=args.answer_col,
        score=args.score_col,
        question_id=args.question_id_col,
        scale_max=args.scale_max,
    )
    settings = load_settings()
    grader = get_grader(args.grader or choose(settings), settings=settings)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(f"\rgraded {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    report = evaluate.evaluate(rows, grader, scale_max=args.scale_max, concurrency=args.concurrency, progress=progress)
    if args.json:
        print_json(report.model_dump())
        return 0
    print(
        f"{report.grader}: n={report.n} pearson={report.pearson} spearman={report.spearman} "
        f"rmse={report.rmse} qwk={report.qwk} ({report.seconds:g} s)"
    )
    for q in sorted(report.per_question, key=lambda q: q["pearson"] if q["pearson"] == q["pearson"] else -2)[:5]:
        print(f"  weakest: {q['question_id']}: pearson={q['pearson']} rmse={q['rmse']} (n={q['n']})")
    for w in report.worst[:5]:
        print(f"  row {w['row']}: human {w['human']:g}, grader {w['grader']:g}: {w['answer'][:80]!r}")
    return 0


def cmd_rubric_draft(args: argparse.Namespace) -> int:
    reference = read_text(args.answer_file, "answer file")
    if not reference.strip():
        raise CliError(f"{args.answer_file} is empty")
    sys.stdout.write(evaluate.draft_yaml(reference, args.id))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade one answer")
    p.add_argument("question_id")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer", help="the answer text")
    src.add_argument("--answer-file", help="read the answer from a file")
    src.add_argument("-", dest="stdin", action="store_true", help="read the answer from stdin")
    p.add_argument("--grader", help=GRADER_HELP)
    p.add_argument("--save", action="store_true", help="save the attempt and grade to history")
    p.add_argument("--profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("eval", help="measure a grader against human scores in a CSV")
    p.add_argument("--data", required=True)
    p.add_argument("--grader", help=GRADER_HELP)
    p.add_argument("--scale-max", type=float, default=5)
    p.add_argument("--concurrency", type=int, default=1, help="requests in flight, for LLM graders")
    p.add_argument("--question-col", default="question")
    p.add_argument("--reference-col", default="reference_answer")
    p.add_argument("--answer-col", default="student_answer")
    p.add_argument("--score-col", default="score")
    p.add_argument("--question-id-col", help="groups rows by question (default: the question text)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("rubric", help="rubric authoring helpers")
    rubric_sub = p.add_subparsers(dest="rubric_command", required=True)
    d = rubric_sub.add_parser("draft", help="draft a rubric (key points, keyword groups) from a model answer")
    d.add_argument("--answer-file", required=True)
    d.add_argument("--id", default="drafted-rubric")
    d.set_defaults(func=cmd_rubric_draft)
