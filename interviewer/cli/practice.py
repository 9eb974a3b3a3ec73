"""`quiz` and `transcribe`: practice in a terminal."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from ..coaching import quiz, speech
from ..config import load_settings
from .common import bank, history, print_json


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True, file=sys.stderr)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()


def cmd_quiz(args: argparse.Namespace) -> int:
    loaded = bank()
    rnd = quiz.compose(
        loaded, count=args.count, minutes=args.minutes, topics=args.topic or None, seed=args.seed, now=datetime.now(UTC)
    )
    if not args.json:
        print(
            f"{len(rnd.items)} questions, {args.minutes:g} minutes (seed {rnd.seed}). Answer with a letter; "
            "Enter skips.",
            file=sys.stderr,
        )
    for i, item in enumerate(rnd.items):
        q = loaded.quiz[item.quiz_id]
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
    result = quiz.finish(rnd, loaded, datetime.now(UTC))
    history(args).save_quiz(rnd.model_dump_json(), result.model_dump(mode="json"))
    if args.json:
        print_json({"seed": rnd.seed, "percent": result.percent, **result.model_dump(mode="json")})
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


def cmd_transcribe(args: argparse.Namespace) -> int:
    settings = load_settings()
    transcriber = speech.get_transcriber(settings.stt_model, settings.llm_base_url, settings.api_key())
    transcript = transcriber.transcribe(Path(args.file))
    metrics = speech.delivery(transcript, args.minutes)
    if args.json:
        print_json(transcript.model_dump(mode="json", exclude={"words"}) | {"delivery": metrics.model_dump()})
        return 0
    print(transcript.text)
    if not metrics.complete:  # pace and fillers from part of the answer would mislead
        print(f"\n{speech.missing_message(metrics.missing)}")
        return 0
    fillers = ", ".join(f"{k} x{v}" for k, v in metrics.fillers.items()) or "none"
    print(
        f"\n{metrics.duration_s:.0f} s, {metrics.words} words, {metrics.wpm:.0f} wpm, fillers: {fillers}, "
        f"pauses over 2 s: {len(metrics.long_pauses)}"
    )
    for line in metrics.advice:
        print(f"- {line}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
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
