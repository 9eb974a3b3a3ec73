"""Measure a grader against human scores: `interviewer eval`. Also drafts rubrics from a reference answer.

Scores are mapped from 0-100 onto the data's scale before comparing. Agreement is
reported as Pearson r, Spearman rho, RMSE and quadratic weighted kappa (QWK on
half-point bins), overall and per question, with the worst disagreements.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError
from ..models import Criterion, KeyPoint, Question, Rubric
from ..text import STOPWORDS, normalise, sentences
from .agreement import Agreement, agreement
from .base import Grader

ANCHORS = {0: "none of the reference", 1: "a little", 2: "about half", 3: "most", 4: "all of the reference"}


class EvalError(UserError, ValueError):
    """The data cannot be evaluated; the message names the file and row."""


@dataclass(frozen=True)
class Row:
    number: int  # line in the file (the header is line 1)
    question_id: str
    question: str
    reference: str
    answer: str
    score: float


def read_csv(
    path: Path,
    *,
    question: str = "question",
    reference: str = "reference_answer",
    answer: str = "student_answer",
    score: str = "score",
    question_id: str | None = None,
    scale_max: float = 5,
) -> list[Row]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            wanted = [c for c in (question, reference, answer, score, question_id) if c]
            missing = [c for c in wanted if c not in header]
            if missing:
                raise EvalError(f"{path}: missing column(s) {missing}; the file has {header}")
            rows = []
            for number, rec in enumerate(reader, start=2):
                if None in rec or any(rec.get(c) is None for c in wanted):
                    raise EvalError(f"{path}:{number}: wrong number of fields")
                try:
                    value = float(rec[score])
                except ValueError:
                    raise EvalError(f"{path}:{number}: {score}: {rec[score]!r} is not a number") from None
                if not 0 <= value <= scale_max:
                    raise EvalError(f"{path}:{number}: {score}: {value:g} is outside 0-{scale_max:g}")
                qid = rec[question_id] if question_id else rec[question]
                rows.append(Row(number, qid, rec[question], rec[reference], rec[answer], value))
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from None
    except csv.Error as exc:
        raise EvalError(f"{path}: not a valid CSV: {exc}") from None
    if not rows:
        raise EvalError(f"{path}: no rows")
    return rows


def _stem(word: str) -> str:
    return word[:5] + "*" if len(word) > 5 else word


def draft_rubric(reference: str, rubric_id: str = "draft", question: str = "") -> Rubric:
    """A one-criterion rubric from a reference answer: each content word is a key point, so the level
    follows the share of the reference's ideas the answer mentions. Words of the question itself are left
    out: repeating the question earns nothing. A starting point for authors."""
    asked = set(normalise(question).split())
    words: dict[str, str] = {}  # stem -> the word as first written, which the point shows (and embeds)
    for word in normalise(reference).split():
        if len(word) > 2 and word not in STOPWORDS | asked and not word.isdigit():
            words.setdefault(_stem(word), word)
    if not words:
        words = {_stem(w): w for w in normalise(reference).split()[:5]} or {"answer": "answer"}
    points = [KeyPoint(text=word, keywords=[[stem]]) for stem, word in words.items()]
    criterion = Criterion(
        id="content",
        name="Covers the reference answer",
        weight=1,
        description="Says what the reference answer says: " + reference[:300],
        must_have=points,
        anchors=ANCHORS,
    )
    return Rubric(id=rubric_id, version=1, title="Drafted from a reference answer", criteria=[criterion])


def draft_yaml(reference: str, rubric_id: str) -> str:
    """The drafted rubric as YAML for `interviewer rubric draft`, grouped into must-have key points by sentence."""
    import yaml

    criteria = []
    for n, sentence in enumerate(sentences(reference) or [], start=1):
        draft = draft_rubric(sentence.text).criteria[0]
        criteria.append(
            {
                "id": f"point-{n}",
                "name": sentence.text[:60],
                "weight": 1,
                "description": sentence.text,
                "must_have": [{"text": sentence.text, "keywords": [[p.keywords[0][0] for p in draft.must_have]]}],
                "anchors": {0: "not mentioned", 1: "hinted at", 2: "partly", 3: "mostly", 4: "fully and precisely"},
            }
        )
    return yaml.safe_dump(
        {"rubrics": [{"id": rubric_id, "version": 1, "criteria": criteria}]},
        sort_keys=False,
        width=110,
        allow_unicode=True,
    )


class Report(Agreement):
    grader: str
    scale_max: float
    per_question: list[dict]
    worst: list[dict]
    seconds: float


def evaluate(
    rows: list[Row],
    grader: Grader,
    *,
    scale_max: float = 5,
    concurrency: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    import time

    started = time.monotonic()
    rubrics: dict[str, Rubric] = {}
    for row in rows:
        if row.question_id not in rubrics:
            rubrics[row.question_id] = draft_rubric(row.reference, f"eval-{len(rubrics)}", row.question)

    def grade(row: Row) -> float:
        rubric = rubrics[row.question_id]
        question = Question(
            id=rubric.id,
            title=row.question[:80] or "question",
            prompt=row.question or "-",
            topic="eval",
            difficulty="medium",
            rubric=rubric.id,
            model_answer=row.reference or "-",
        )
        return grader.grade(question, rubric, row.answer).score * scale_max / 100

    done = 0
    preds: list[float] = []
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for value in pool.map(grade, rows):  # keeps row order; at most `concurrency` requests in flight
            preds.append(value)
            done += 1
            if progress:
                progress(done, len(rows))
    gold = [row.score for row in rows]
    overall = agreement(preds, gold, scale_max)
    per_question = []
    for qid in dict.fromkeys(row.question_id for row in rows):
        idx = [i for i, row in enumerate(rows) if row.question_id == qid]
        per_question.append(
            {"question_id": qid} | agreement([preds[i] for i in idx], [gold[i] for i in idx], scale_max).model_dump()
        )
    worst = sorted(range(len(rows)), key=lambda i: -abs(preds[i] - gold[i]))[:10]
    return Report(
        **overall.model_dump(),
        grader=grader.name,
        scale_max=scale_max,
        per_question=per_question,
        worst=[
            {
                "row": rows[i].number,
                "question_id": rows[i].question_id,
                "human": gold[i],
                "grader": round(preds[i], 2),
                "answer": rows[i].answer[:200],
            }
            for i in worst
        ],
        seconds=round(time.monotonic() - started, 2),
    )
