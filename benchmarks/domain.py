"""Agreement with an expert on the bank's own questions: `python benchmarks/domain.py [GRADER ...]`.

Two expert-scored sets (benchmarks/data/README.md): `domain_dev.csv` (graders may be tuned on it) and
`domain_holdout.csv` (never tuned on; only checked). For each grader: Spearman and Pearson with the expert,
the mean per kind of answer, the highest score among the bad kinds, the share of within-question pairs
ordered like the expert, and the issue's targets. Also term lists and random key-point words.
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.content.bank import Bank, load_bank  # noqa: E402
from interviewer.graders import get_grader  # noqa: E402
from interviewer.graders.agreement import pearson, spearman  # noqa: E402

DATA = Path(__file__).with_name("data")
SETS = ("domain_dev", "domain_holdout")
BAD = ("confidently_wrong", "fluent_empty", "other_question")


def read(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as f:
        return [row | {"expert_score": int(row["expert_score"])} for row in csv.DictReader(f)]


def ordered_pairs(rows: list[dict], scores: list[float]) -> float:
    """Share of pairs of answers to the same question, with different expert scores, that the grader orders
    the same way (a tie counts half)."""
    by_question = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_question[row["question_id"]].append((row["expert_score"], score))
    agree = total = 0.0
    for items in by_question.values():
        for i, (e1, s1) in enumerate(items):
            for e2, s2 in items[i + 1 :]:
                if e1 == e2:
                    continue
                total += 1
                agree += 1 if (e1 - e2) * (s1 - s2) > 0 else 0.5 if s1 == s2 else 0
    return round(agree / total, 3) if total else float("nan")


def pairs_above(rows: list[dict], scores: list[float], upper: str, lower: str) -> float:
    """Share of questions' (upper, lower) answer pairs where the grader puts `upper` above `lower`."""
    by = defaultdict(dict)
    for row, score in zip(rows, scores, strict=True):
        by[row["question_id"]][row["kind"]] = score
    pairs = [(k[upper], k[lower]) for k in by.values() if upper in k and lower in k]
    return round(sum(a > b for a, b in pairs) / len(pairs), 3) if pairs else float("nan")


def evaluate_set(bank: Bank, grader, rows: list[dict]) -> dict:
    scores, times = [], []
    for row in rows:
        q = bank.questions[row["question_id"]]
        started = time.perf_counter()
        scores.append(grader.grade(q, bank.rubric_for(q), row["answer"]).score)
        times.append(1000 * (time.perf_counter() - started))
    expert = [row["expert_score"] for row in rows]
    kinds = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        kinds[row["kind"]].append(score)
    out = {
        "n": len(rows),
        "spearman": round(spearman(scores, expert), 3),
        "pearson": round(pearson(scores, expert), 3),
        "pairs_ordered_like_expert": ordered_pairs(rows, scores),
        "mean_by_kind": {k: round(statistics.mean(v), 1) for k, v in sorted(kinds.items())},
        "expert_mean_by_kind": {
            k: round(statistics.mean(r["expert_score"] for r in rows if r["kind"] == k), 1) for k in sorted(kinds)
        },
        "max_bad": {k: max(kinds[k]) for k in BAD if k in kinds},
        "partial_above_wrong": pairs_above(rows, scores, "partial", "confidently_wrong"),
        "p50_ms": round(statistics.median(times), 2),
    }
    if "vague_right" in kinds:
        out["vague_right_above_wrong"] = pairs_above(rows, scores, "vague_right", "confidently_wrong")
    worst = sorted(range(len(rows)), key=lambda i: -abs(scores[i] - expert[i]))[:8]
    out["worst"] = [
        f"{rows[i]['question_id']}/{rows[i]['kind']}: expert {expert[i]}, grader {scores[i]}" for i in worst
    ]
    return out


def key_point_words(bank: Bank) -> list[str]:
    words = []
    for rubric in bank.rubrics.values():
        for c in rubric.criteria:
            for p in c.key_points:
                for group in p.keywords:
                    words += [t.rstrip("*") for t in group if len(t) > 2]
    return words


def soup_and_lists(bank: Bank, grader, seed: int = 7) -> dict:
    """Random key-point words (2,000 and 20,000 characters) and bare term lists of each question's own
    key-point terms: none is an answer, all should stay at or below 20."""
    rng = random.Random(seed)
    words = key_point_words(bank)
    questions = sorted(bank.questions.values(), key=lambda q: q.id)
    out = {}
    for size in (2_000, 20_000):
        best = 0
        for q in questions:
            text, parts = "", []
            while len(text) < size:
                parts.append(rng.choice(words))
                text = " ".join(parts)
            best = max(best, grader.grade(q, bank.rubric_for(q), text[:size]).score)
        out[f"random_words_{size}_max"] = best
    best_list = 0
    for q in questions:
        rubric = bank.rubric_for(q)
        terms = [p.keywords[0][0].rstrip("*") for c in rubric.criteria for p in c.key_points]
        terms += [g[0].rstrip("*") for c in rubric.criteria for p in c.key_points for g in p.keywords[1:]]
        for text in (", ".join(terms[:30]), " ".join(terms[:30]), "\n".join(f"- {t}" for t in terms[:30])):
            best_list = max(best_list, grader.grade(q, rubric, text).score)
    out["term_list_max"] = best_list
    return out


TARGETS = {
    "confidently_wrong mean <= 15": lambda r: r["mean_by_kind"].get("confidently_wrong", 0) <= 15,
    "confidently_wrong max <= 35": lambda r: r["max_bad"].get("confidently_wrong", 0) <= 35,
    "fluent_empty, other_question max <= 20": lambda r: (
        max(r["max_bad"].get("fluent_empty", 0), r["max_bad"].get("other_question", 0)) <= 20
    ),
    "short_correct mean 35-65": lambda r: 35 <= r["mean_by_kind"].get("short_correct", 50) <= 65,
    "partial mean 20-45": lambda r: 20 <= r["mean_by_kind"].get("partial", 30) <= 45,
    "partial above wrong >= 80%": lambda r: r["partial_above_wrong"] >= 0.8,
    "spearman >= 0.90": lambda r: r["spearman"] >= 0.9,
    "excellent mean >= 80": lambda r: r["mean_by_kind"].get("excellent", 100) >= 80,
}


def run(names: list[str], bank: Bank | None = None) -> dict:
    bank = bank or load_bank()
    results = {}
    for name in names:
        grader = get_grader(name)
        q0 = min(bank.questions.values(), key=lambda q: q.id)
        grader.grade(q0, bank.rubric_for(q0), q0.model_answer)  # warm-up: loads models, if any
        entry = {s: evaluate_set(bank, grader, read(s)) for s in SETS}
        for s in SETS:
            entry[s]["targets_met"] = {t: check(entry[s]) for t, check in TARGETS.items()}
        entry |= soup_and_lists(bank, grader)
        results[name] = entry
    return results


def main(argv: list[str]) -> None:
    import json

    print(json.dumps(run(argv or ["keyword", "semantic"]), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
