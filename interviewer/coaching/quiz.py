"""Quick-fire quiz rounds and glossary look-ups. No Streamlit here.

A round is fully determined by its settings and seed: the same seed gives the
same questions in the same order with the same option order, so a round can be
replayed exactly.
"""

from __future__ import annotations

import difflib
import random
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from ..content.bank import Bank
from ..errors import UserError
from ..models import GlossaryTerm, QuizQuestion
from ..text import group_pattern, normalise

LEVELS = ("easy", "medium", "hard")
STANDARD_MIX = {"easy": 5, "medium": 6, "hard": 4}  # the usual 15-question, 20-minute round


class QuizError(UserError, ValueError):
    """A round cannot be built as asked; the message says why."""


class Item(BaseModel):
    quiz_id: str
    order: list[int]  # shown option i is the question's option order[i]


class Answer(BaseModel):
    choice: int | None  # index of the shown option, None if left blank
    at: datetime


class Round(BaseModel):
    seed: int
    minutes: float
    items: list[Item]
    started_at: datetime
    answers: dict[int, Answer] = Field(default_factory=dict)
    finished_at: datetime | None = None

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)


def scaled_mix(count: int, mix: dict[str, int] | None = None) -> dict[str, int]:
    """Split `count` over difficulties in the proportions of `mix` (largest remainder)."""
    mix = mix or STANDARD_MIX
    total = sum(mix.values())
    if total <= 0:
        raise QuizError("the difficulty mix is empty")
    exact = {d: count * mix.get(d, 0) / total for d in LEVELS}
    out = {d: int(v) for d, v in exact.items()}
    for d in sorted(LEVELS, key=lambda d: exact[d] - out[d], reverse=True)[: count - sum(out.values())]:
        out[d] += 1
    return out


def compose(
    bank: Bank,
    *,
    count: int = 15,
    minutes: float = 20,
    topics: list[str] | None = None,
    mix: dict[str, int] | None = None,
    seed: int | None = None,
    now: datetime,
) -> Round:
    if count < 1:
        raise QuizError("a round needs at least one question")
    seed = random.randrange(1_000_000) if seed is None else seed
    rng = random.Random(seed)
    pool = sorted((q for q in bank.quiz.values() if not topics or q.topic in topics), key=lambda q: q.id)
    if len(pool) < count:
        raise QuizError(f"only {len(pool)} quiz question(s) match these topics; asked for {count}")
    picked: list[QuizQuestion] = []
    for difficulty, wanted in scaled_mix(count, mix).items():
        candidates = [q for q in pool if q.difficulty == difficulty]
        rng.shuffle(candidates)
        picked += _spread(candidates, wanted)
    if len(picked) < count:  # a difficulty ran short: top up from the rest, still seeded
        rest = [q for q in pool if q not in picked]
        rng.shuffle(rest)
        picked += rest[: count - len(picked)]
    rng.shuffle(picked)
    items = [Item(quiz_id=q.id, order=rng.sample(range(len(q.options)), len(q.options))) for q in picked]
    return Round(seed=seed, minutes=minutes, items=items, started_at=now)


def _spread(candidates: list[QuizQuestion], wanted: int) -> list[QuizQuestion]:
    """Take `wanted` questions round-robin over topics, so one topic cannot crowd out the rest."""
    by_topic: dict[str, list[QuizQuestion]] = {}
    for q in candidates:
        by_topic.setdefault(q.topic, []).append(q)
    out: list[QuizQuestion] = []
    while len(out) < wanted and any(by_topic.values()):
        for topic in list(by_topic):
            if by_topic[topic] and len(out) < wanted:
                out.append(by_topic[topic].pop(0))
    return out


def answer(rnd: Round, index: int, choice: int | None, at: datetime) -> None:
    if not 0 <= index < len(rnd.items):
        raise QuizError(f"no question {index + 1} in this round")
    rnd.answers[index] = Answer(choice=choice, at=at)


class Missed(BaseModel):
    quiz_id: str
    question: str
    chosen: str | None
    why_chosen_is_wrong: str | None
    correct: str
    why_correct: str
    terms: list[str]
    late: bool = False


class Result(BaseModel):
    correct: int
    total: int
    late: int  # answered after the time limit: shown, not counted
    time_used_s: float
    over_time: bool
    per_topic: dict[str, tuple[int, int]]
    missed: list[Missed]
    right: list[Missed] = []  # answered correctly in time, with why, so every answer can be reviewed

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


def finish(rnd: Round, bank: Bank, now: datetime) -> Result:
    rnd.finished_at = now
    correct = late = 0
    per_topic: dict[str, list[int]] = {}
    missed, right_ones = [], []
    for i, item in enumerate(rnd.items):
        q = bank.quiz[item.quiz_id]
        shown = [q.options[j] for j in item.order]
        right = next(o for o in shown if o.correct)
        given = rnd.answers.get(i)
        is_late = given is not None and given.at > rnd.deadline
        chosen = shown[given.choice] if given and given.choice is not None else None
        ok = chosen is not None and chosen.correct and not is_late
        tally = per_topic.setdefault(q.topic, [0, 0])
        tally[1] += 1
        correct += ok
        tally[0] += ok
        late += is_late
        (right_ones if ok else missed).append(
            Missed(
                quiz_id=q.id,
                question=q.question,
                chosen=chosen.text if chosen else None,
                why_chosen_is_wrong=chosen.why if chosen and not chosen.correct else None,
                correct=right.text,
                why_correct=right.why,
                terms=q.terms,
                late=is_late,
            )
        )
    used = (now - rnd.started_at).total_seconds()
    return Result(
        correct=correct,
        total=len(rnd.items),
        late=late,
        time_used_s=round(used, 1),
        over_time=now > rnd.deadline,
        per_topic={t: (c, n) for t, (c, n) in per_topic.items()},
        missed=missed,
        right=right_ones,
    )


def look_up(bank: Bank, query: str) -> list[GlossaryTerm]:
    """Glossary entries for a search: exact term or alias first, then substring matches, then close spellings."""
    query = query.strip()
    if not query:
        return sorted(bank.glossary.values(), key=lambda t: t.term.casefold())
    exact = bank.term(query)
    needle = query.casefold()
    found = [exact] if exact else []
    for t in sorted(bank.glossary.values(), key=lambda t: t.term.casefold()):
        haystack = " ".join([t.term, *t.aliases, t.definition]).casefold()
        if t not in found and needle in haystack:
            found.append(t)
    if not found:
        names = {n.casefold(): t for t in bank.glossary.values() for n in [t.term, *t.aliases]}
        found = [names[n] for n in difflib.get_close_matches(needle, names, n=3, cutoff=0.6)]
    unique = {t.term.casefold(): t for t in reversed(found)}  # first occurrence wins
    return [unique[k] for k in dict.fromkeys(t.term.casefold() for t in found)]


def terms_in(bank: Bank, text: str, limit: int = 3) -> list[GlossaryTerm]:
    """Glossary entries whose term or alias is mentioned in `text` (for linking feedback to definitions)."""
    norm = normalise(text)
    hits = [t for t in bank.glossary.values() if group_pattern((t.term, *t.aliases)).search(norm)]
    return sorted(hits, key=lambda t: t.term.casefold())[:limit]
