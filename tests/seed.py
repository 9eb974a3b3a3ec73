"""Seed a history database with realistic graded attempts (tests and benchmarks)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from interviewer.content.bank import Bank
from interviewer.graders import get_grader
from interviewer.history.store import ProfileStore

SHARES = (20, 50, 80, 100)


def seed_history(store: ProfileStore, bank: Bank, n: int, *, days: int = 120, seed: int = 1) -> None:
    """n graded attempts spread over `days`, cycling through the bank with answers of varied quality."""
    rng = random.Random(seed)
    grader = get_grader("keyword")
    questions = sorted((q for q in bank.questions.values() if q.kind == "scenario"), key=lambda q: q.id)
    graded = {}
    for q in questions:
        words = q.model_answer.split()
        for share in SHARES:
            text = " ".join(words[: max(5, len(words) * share // 100)])
            graded[q.id, share] = (text, grader.grade(q, bank.rubric_for(q), text))
    start = datetime.now(UTC) - timedelta(days=days)
    for i in range(n):
        q = questions[rng.randrange(len(questions))]
        text, grade = graded[q.id, rng.choice(SHARES)]
        when = (start + timedelta(seconds=i * days * 86400 / max(1, n))).isoformat(timespec="milliseconds")
        attempt_id = store.save_attempt(q, bank.rubric_for(q), text, created_at=when)
        store.save_grade(attempt_id, grade)
