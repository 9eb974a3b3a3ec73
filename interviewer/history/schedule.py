"""Practice my weak spots: Leitner boxes per question, derived from the attempt history.

The state is computed from saved scores rather than stored, so it can never
disagree with the history (and an import or a deleted attempt needs no repair).
A score of at least PROMOTE moves a question up a box; below DEMOTE sends it back
to box 1; in between it stays. Each box has an interval in days before the
question is due again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

PROMOTE = 80
DEMOTE = 50
INTERVAL_DAYS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
TOP_BOX = max(INTERVAL_DAYS)


@dataclass(frozen=True)
class Card:
    question_id: str
    box: int
    last_score: int
    last_seen: datetime
    due: datetime
    attempts: int


def cards(history: Iterable[tuple[str, str, int]]) -> dict[str, Card]:
    """Leitner state per question from (question_id, ISO timestamp, score) rows, in any order."""
    by_question: dict[str, list[tuple[datetime, int]]] = {}
    for question_id, created_at, score in history:
        by_question.setdefault(question_id, []).append((datetime.fromisoformat(created_at), score))
    out = {}
    for question_id, rows in by_question.items():
        rows.sort()
        box = 1
        for _, score in rows:
            if score >= PROMOTE:
                box = min(TOP_BOX, box + 1)
            elif score < DEMOTE:
                box = 1
        last_seen, last_score = rows[-1]
        out[question_id] = Card(
            question_id, box, last_score, last_seen, last_seen + timedelta(days=INTERVAL_DAYS[box]), len(rows)
        )
    return out


def recommend(
    history: Iterable[tuple[str, str, int]],
    question_topics: dict[str, str],
    now: datetime,
    limit: int = 5,
) -> list[tuple[str, str]]:
    """Question ids to practise next, each with the reason: due reviews first (most overdue, lowest box),
    then unseen questions from the weakest topics, then the lowest recent scores."""
    state = cards(history)
    picks: list[tuple[str, str]] = []
    due = sorted(
        (c for c in state.values() if c.due <= now and c.question_id in question_topics), key=lambda c: (c.box, c.due)
    )
    picks += [(c.question_id, f"due for review (box {c.box}, last score {c.last_score})") for c in due]
    topic_scores: dict[str, list[int]] = {}
    for c in state.values():
        if c.question_id in question_topics:
            topic_scores.setdefault(question_topics[c.question_id], []).append(c.last_score)

    def weakness(topic: str) -> float:
        scores = topic_scores.get(topic)
        return sum(scores) / len(scores) if scores else 50.0  # an untried topic ranks as middling

    unseen = sorted((q for q in question_topics if q not in state), key=lambda q: (weakness(question_topics[q]), q))
    picks += [
        (
            q,
            f"new, from {'a weak' if question_topics[q] in topic_scores else 'an untried'} topic "
            f"({question_topics[q]})",
        )
        for q in unseen
    ]
    rest = sorted(
        (c for c in state.values() if c.due > now and c.question_id in question_topics),
        key=lambda c: (c.last_score, c.question_id),
    )
    picks += [(c.question_id, f"lowest recent score ({c.last_score})") for c in rest]
    seen: set[str] = set()
    return [(q, why) for q, why in picks if not (q in seen or seen.add(q))][:limit]
