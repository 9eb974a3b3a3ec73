"""How well a grader agrees with human scores: the statistics, and the figures `make bench` last measured.

The figures ship with the package (`data/agreement.json`), so `auto` and the Settings page can use them offline.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

from pydantic import BaseModel


def pearson(x: list[float], y: list[float]) -> float:
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return float("nan")
    return statistics.correlation(x, y)


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: list[float], y: list[float]) -> float:
    return pearson(_ranks(x), _ranks(y))


def rmse(x: list[float], y: list[float]) -> float:
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(x, y, strict=True)) / len(x))


def qwk(x: list[float], y: list[float], scale_max: float, step: float = 0.5) -> float:
    """Quadratic weighted kappa after rounding both to `step` bins."""
    k = round(scale_max / step) + 1
    a = [min(k - 1, max(0, round(v / step))) for v in x]
    b = [min(k - 1, max(0, round(v / step))) for v in y]
    n = len(a)
    observed = [[0] * k for _ in range(k)]
    for i, j in zip(a, b, strict=True):
        observed[i][j] += 1
    ha, hb = [a.count(i) for i in range(k)], [b.count(j) for j in range(k)]
    num = sum(((i - j) ** 2) * observed[i][j] for i in range(k) for j in range(k))
    den = sum(((i - j) ** 2) * ha[i] * hb[j] / n for i in range(k) for j in range(k))
    return 1 - num / den if den else float("nan")


class Agreement(BaseModel):
    n: int
    pearson: float
    spearman: float
    rmse: float
    qwk: float


class Measured(BaseModel):
    """The offline graders' agreement with human scores, as `make bench` last measured it."""

    data: str
    human_pearson: float  # the two human graders with each other: the level to aim for
    graders: dict[str, Agreement]


MEASURED = Path(__file__).parents[1] / "data" / "agreement.json"


def measured() -> Measured | None:
    """Shipped with the package (written by `make bench`), so `auto` and Settings can use it offline."""
    try:
        return Measured.model_validate_json(MEASURED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def agreement(pred: list[float], gold: list[float], scale_max: float) -> Agreement:
    r = lambda v: round(v, 3)  # noqa: E731
    return Agreement(
        n=len(gold),
        pearson=r(pearson(pred, gold)),
        spearman=r(spearman(pred, gold)),
        rmse=r(rmse(pred, gold)),
        qwk=r(qwk(pred, gold, scale_max)),
    )
