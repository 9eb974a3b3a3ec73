"""`python -m interviewer` / `interviewer`: validate, list, grade and history from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cli_pack import register as register_pack
from .cli_tailor import register as register_tailor
from .coaching import quiz, speech
from .coaching.answers import AnswerError, clean_answer, find_question, grade_with_fallback, submit
from .config import load_settings
from .content import bank as bank_mod
from .graders import GradingError, UnknownGraderError, evaluate, get_grader
from .history import export
from .history.store import Store
from .models import LEVEL_LABELS, Grade


class CliError(Exception):
    """One clear line for the user; exit status 1."""


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def grade_json(grade: Grade) -> dict[str, Any]:
    """The stable Grade JSON contract (see DESIGN.md); keys are only ever added."""
    return grade.model_dump(mode="json", exclude={"provenance"}) | {
        "provenance": grade.provenance.model_dump(mode="json", exclude={"raw_output"}),
    }


def _bank() -> bank_mod.Bank:
    """The built-in bank and the user's packs."""
    return bank_mod.load_bank(packs=load_settings().packs_path())


def cmd_validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {missing[0]}")
    bank = bank_mod.load_paths(paths) if paths else _bank()
    for problem in bank.problems:
        print(problem)
    if bank.problems:
        print(f"{len(bank.problems)} problem(s) in {len(bank.broken_files)} file(s)", file=sys.stderr)
        return 1
    print(
        f"ok: {len(bank.questions)} questions, {len(bank.rubrics)} rubrics, {len(bank.quiz)} quiz questions, "
        f"{len(bank.glossary)} glossary terms",
        file=sys.stderr,
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    bank = _bank()
    questions = sorted(bank.questions.values(), key=lambda q: (q.topic, q.id))
    if args.topic:
        questions = [q for q in questions if q.topic == args.topic]
        if not questions:
            raise CliError(f"no questions for topic {args.topic!r}; topics: {', '.join(bank.topics())}")
    if args.json:
        _print_json(
            [
                q.model_dump(
                    include={"id", "title", "topic", "difficulty", "kind", "rubric", "suggested_minutes", "tags"}
                )
                for q in questions
            ]
        )
        return 0
    for q in questions:
        print(f"{q.id:40} {q.topic:22} {q.difficulty:7} {q.title}")
    return 0


def _read_answer(args: argparse.Namespace) -> str:
    if args.answer_file == "-" or args.stdin:
        return sys.stdin.read()
    if args.answer_file:
        try:
            return Path(args.answer_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CliError(f"cannot read answer file {args.answer_file}: {exc.strerror or exc}") from None
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
    bank = _bank()
    question, rubric = find_question(bank, args.question_id)
    answer = clean_answer(_read_answer(args))
    grader = get_grader(args.grader or settings.grader_name(), settings=settings)
    if args.save:
        store = Store.open(settings.db_path)
        result = submit(store, grader, question, rubric, answer, profile=args.profile or settings.profile)
        if result.grade is None:
            raise CliError(f"answer saved as attempt {result.attempt_id}, but grading failed: {result.error}")
        grade = result.grade
    else:
        grade = grade_with_fallback(grader, question, rubric, answer)
    if args.json:
        _print_json(grade_json(grade))
    else:
        _print_grade(grade)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = Store.open(settings.db_path)
    attempts = store.attempts(args.profile or settings.profile, limit=args.limit)
    if args.json:
        _print_json(
            [
                a.model_dump(mode="json", exclude={"grade"}) | {"grade": grade_json(a.grade) if a.grade else None}
                for a in attempts
            ]
        )
        return 0
    if not attempts:
        print("No attempts yet.")
    for a in attempts:
        score = f"{a.score:3d}" if a.score is not None else "  -"
        print(f"#{a.id:<5} {a.created_at[:16].replace('T', ' ')}  {score}  {a.status:7} {a.question_id}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = Store.open(settings.db_path)
    text = export.dumps(store, args.format, _bank(), args.profile or settings.profile)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    store = Store.open(settings.db_path)
    count = export.import_json(store, export.load_file(args.file), args.profile)
    print(f"imported {count} attempt(s)", file=sys.stderr)
    return 0


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True, file=sys.stderr)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()


def cmd_quiz(args: argparse.Namespace) -> int:
    bank = _bank()
    rnd = quiz.compose(
        bank, count=args.count, minutes=args.minutes, topics=args.topic or None, seed=args.seed, now=datetime.now(UTC)
    )
    if not args.json:
        print(
            f"{len(rnd.items)} questions, {args.minutes:g} minutes (seed {rnd.seed}). Answer with a letter; "
            "Enter skips.",
            file=sys.stderr,
        )
    for i, item in enumerate(rnd.items):
        q = bank.quiz[item.quiz_id]
        options = [q.options[j] for j in item.order]
        lines = [f"\n{i + 1}. [{q.topic}, {q.difficulty}] {q.question}"]
        lines += [f"   {chr(65 + k)}) {o.text}" for k, o in enumerate(options)]
        print("\n".join(lines), file=sys.stderr)
        try:
            reply = _ask("> ").upper()
        except EOFError:
            break
        choice = ord(reply[0]) - 65 if reply and 0 <= ord(reply[0]) - 65 < len(options) else None
        quiz.answer(rnd, i, choice, datetime.now(UTC))
    result = quiz.finish(rnd, bank, datetime.now(UTC))
    store = Store.open(load_settings().db_path)
    store.save_quiz(rnd.model_dump_json(), result.model_dump(mode="json"), args.profile or load_settings().profile)
    if args.json:
        _print_json({"seed": rnd.seed, "percent": result.percent, **result.model_dump(mode="json")})
        return 0
    over = " (over time)" if result.over_time else ""
    print(f"\nScore: {result.correct}/{result.total} ({result.percent}%) in {result.time_used_s / 60:.1f} min{over}")
    for topic, (right, total) in sorted(result.per_topic.items()):
        print(f"  {topic:24} {right}/{total}")
    for m in result.missed:
        print(f"\n- {m.question}\n  you: {m.chosen or '(no answer)'}" + (" (too late)" if m.late else ""))
        if m.why_chosen_is_wrong:
            print(f"  why not: {m.why_chosen_is_wrong}")
        print(f"  answer: {m.correct}\n  why: {m.why_correct}")
        if m.terms:
            print(f"  glossary: {', '.join(m.terms)}")
    return 0


def cmd_glossary(args: argparse.Namespace) -> int:
    bank = _bank()
    found = quiz.look_up(bank, " ".join(args.term))
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


def cmd_transcribe(args: argparse.Namespace) -> int:
    settings = load_settings()
    key = settings.api_key()
    transcriber = speech.get_transcriber(settings.stt_model, settings.llm_base_url, key)
    transcript = transcriber.transcribe(Path(args.file))
    metrics = speech.delivery(transcript, args.minutes)
    if args.json:
        _print_json(transcript.model_dump(mode="json", exclude={"words"}) | {"delivery": metrics.model_dump()})
        return 0
    print(transcript.text)
    fillers = ", ".join(f"{k} x{v}" for k, v in metrics.fillers.items()) or "none"
    print(
        f"\n{metrics.duration_s:.0f} s, {metrics.words} words, {metrics.wpm:.0f} wpm, fillers: {fillers}, "
        f"pauses over 2 s: {len(metrics.long_pauses)}"
    )
    for line in metrics.advice:
        print(f"- {line}")
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
    grader = get_grader(args.grader or settings.grader_name(), settings=settings)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total:
            print(f"\rgraded {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    report = evaluate.evaluate(rows, grader, scale_max=args.scale_max, concurrency=args.concurrency, progress=progress)
    if args.json:
        _print_json(report.model_dump())
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
    try:
        reference = Path(args.answer_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {args.answer_file}: {exc}") from None
    if not reference.strip():
        raise CliError(f"{args.answer_file} is empty")
    sys.stdout.write(evaluate.draft_yaml(reference, args.id))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Mock-interview coach for ML deployment.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check questions and rubrics; exit 1 on any problem")
    p.add_argument("paths", nargs="*", help="files or folders to check (default: the built-in bank)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="list the question bank")
    p.add_argument("--topic")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("grade", help="grade one answer")
    p.add_argument("question_id")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer", help="the answer text")
    src.add_argument("--answer-file", help="read the answer from a file ('-' for stdin)")
    src.add_argument("-", dest="stdin", action="store_true", help="read the answer from stdin")
    p.add_argument("--grader", help="keyword, llm, ... (default: INTERVIEWER_GRADER or auto)")
    p.add_argument("--save", action="store_true", help="save the attempt and grade to history")
    p.add_argument("--profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_grade)

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
    p.add_argument("--profile", help="import into this profile (default: the one in the file)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("quiz", help="a timed multiple-choice round in the terminal")
    p.add_argument("--count", type=int, default=15)
    p.add_argument("--minutes", type=float, default=20)
    p.add_argument("--topic", action="append", help="limit to a topic (repeatable)")
    p.add_argument("--seed", type=int, help="replay a round exactly")
    p.add_argument("--profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quiz)

    p = sub.add_parser("transcribe", help="transcribe a recorded answer and report delivery metrics")
    p.add_argument("file")
    p.add_argument("--minutes", type=float, help="the question's suggested time, for length advice")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("eval", help="measure a grader against human scores in a CSV")
    p.add_argument("--data", required=True)
    p.add_argument("--grader", help="keyword, llm, ... (default: INTERVIEWER_GRADER or auto)")
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

    p = sub.add_parser("glossary", help="look up a deployment term (no term: list them all)")
    p.add_argument("term", nargs="*")
    p.set_defaults(func=cmd_glossary)
    register_pack(sub)  # `pack ...`: its PackError is a BankError, so USER_ERRORS covers it
    register_tailor(sub)
    return parser


# Errors whose message is meant for the user: one line, exit 1, no traceback.
USER_ERRORS = (
    CliError,
    AnswerError,
    bank_mod.BankError,
    UnknownGraderError,
    GradingError,
    export.HistoryImportError,
    quiz.QuizError,
    speech.AudioError,
    evaluate.EvalError,
    OSError,
)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
