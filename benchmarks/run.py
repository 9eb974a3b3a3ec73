"""`make bench`: grader speed (and, with a local LLM server, tokens per grade). Writes benchmarks/results.json, and
the offline graders' agreement with human scores to interviewer/data/agreement.json (what `auto` and Settings use)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.config import load_settings  # noqa: E402
from interviewer.content.bank import load_bank  # noqa: E402
from interviewer.graders import get_grader  # noqa: E402
from interviewer.graders.llm_prompt import build_messages  # noqa: E402
from tests import local_llm  # noqa: E402

RESULTS = Path(__file__).with_name("results.json")


def bench_keyword(bank, name: str = "keyword") -> dict:
    """Speed on the bank's own model answers (about 270 words, 3-7 criteria). The first grade of a question in a
    process also compiles its rubric's patterns (and, for semantic, embeds the rubric); `repeat_*` grades the same
    answers again, as every later answer to that question is graded."""
    grader = get_grader(name)
    q0 = min(bank.questions.values(), key=lambda q: q.id)
    grader.grade(q0, bank.rubric_for(q0), q0.model_answer)  # warm-up: loads models, if any
    questions = sorted(bank.questions.values(), key=lambda q: q.id)
    passes = []
    for _ in range(2):
        times = []
        for q in questions:
            rubric = bank.rubric_for(q)
            started = time.perf_counter()
            grader.grade(q, rubric, q.model_answer)
            times.append(1000 * (time.perf_counter() - started))
        passes.append(sorted(times))
    first, repeat = passes
    return {
        "grades": len(first),
        "words_mean": round(statistics.mean(len(q.model_answer.split()) for q in questions)),
        "ms_per_grade_mean": round(statistics.mean(first), 2),
        "ms_per_grade_p50": round(first[len(first) // 2], 2),
        "ms_per_grade_p95": round(first[int(0.95 * (len(first) - 1))], 2),
        "repeat_ms_p50": round(repeat[len(repeat) // 2], 2),
        "repeat_ms_p95": round(repeat[int(0.95 * (len(repeat) - 1))], 2),
    }


def bench_off_topic(bank, name: str) -> dict:
    """Answers to other questions: every model answer graded against the rubric of every scenario question
    in another topic (the end-to-end checklist aside). How often does an answer to the wrong question score?"""
    from tests.topics import RELATED

    grader = get_grader(name)
    answers = sorted((q for q in bank.questions.values() if q.topic != "end-to-end"), key=lambda q: q.id)
    targets = [q for q in answers if q.kind == "scenario"]
    scores, unrelated = [], []
    for answer in answers:
        for target in targets:
            if answer.topic == target.topic:
                continue
            score = grader.grade(target, bank.rubric_for(target), answer.model_answer).score
            scores.append(score)
            if answer.topic not in RELATED.get(target.topic, ()) and target.topic not in RELATED.get(answer.topic, ()):
                unrelated.append(score)
    return {
        "pairs": len(scores),
        "over_30": sum(s > 30 for s in scores),
        "over_50": sum(s > 50 for s in scores),
        "unrelated_topic_pairs": len(unrelated),
        "unrelated_over_30": sum(s > 30 for s in unrelated),
        "unrelated_max": max(unrelated, default=0),
    }


def bench_llm(bank, runs: int = 3) -> dict:
    reason = local_llm.missing()
    if reason:
        return {"skipped": reason}
    question = next(
        q for q in sorted(bank.questions.values(), key=lambda q: q.id) if len(bank.rubric_for(q).criteria) == 5
    )
    rubric = bank.rubric_for(question)
    log = Path("/tmp/interviewer-bench-llama.log")
    with local_llm.llama_server(log) as base_url:
        settings = load_settings({"INTERVIEWER_LLM_BASE_URL": base_url, "INTERVIEWER_LLM_TIMEOUT": "300"})
        grader = get_grader("llm", settings=settings)
        grader.grade(question, rubric, question.model_answer)  # warm-up: loads weights, negotiates the format
        rows = []
        for _ in range(runs):
            started = time.perf_counter()
            grade = grader.grade(question, rubric, question.model_answer)
            rows.append(
                (time.perf_counter() - started, grade.provenance.prompt_tokens, grade.provenance.completion_tokens)
            )
    messages = build_messages(question, rubric, question.model_answer, schema_hint=False)
    prompt_words = sum(len(m["content"].split()) for m in messages)
    return {
        "model": Path(grade.model).name,
        "question": question.id,
        "criteria": len(rubric.criteria),
        "runs": runs,
        "seconds_per_grade_mean": round(statistics.mean(r[0] for r in rows), 2),
        "prompt_tokens_per_grade": round(statistics.mean(r[1] for r in rows)),
        "completion_tokens_per_grade": round(statistics.mean(r[2] for r in rows)),
        "prompt_words": prompt_words,
        "format": grade.provenance.prompt_version,
    }


def bench_history(bank, n: int = 10_000) -> dict:
    """Time the History and Progress pages' queries on a large history."""
    import tempfile

    from interviewer.history import progress
    from interviewer.history.store import Store
    from tests.seed import seed_history

    with tempfile.TemporaryDirectory() as tmp:
        database = Store.open(Path(tmp) / "bench.db")
        store = database.for_profile("default")
        started = time.perf_counter()
        seed_history(store, bank, n)
        seeded_s = time.perf_counter() - started
        queries = {
            "history_page": lambda: store.attempts(limit=200),
            "history_filtered": lambda: store.attempts(limit=200, topic="drift", grader="keyword"),
            "history_count": lambda: store.count_filtered(),
            "scores_by_day": store.scores_by_day,
            "topic_mastery": store.topic_mastery,
            "weakness_map": store.criterion_levels,
            "recommendations": lambda: progress.recommendations(store, bank),
        }
        timings = {}
        for name, query in queries.items():
            runs = []
            for _ in range(5):
                started = time.perf_counter()
                query()
                runs.append(time.perf_counter() - started)
            timings[f"{name}_ms"] = round(1000 * statistics.median(runs), 1)
        database.close()
    return {"attempts": n, "seed_seconds": round(seeded_s, 1), **timings}


def bench_speech() -> dict:
    """Spoken answers to bank questions: words heard, WER, real-time factor, spoken vs typed score."""
    from benchmarks.speech_bench import run

    return run()


class _Timed:
    """A grader that records how long each grade takes."""

    def __init__(self, grader):
        self.grader, self.name, self.ms = grader, grader.name, []

    def grade(self, question, rubric, answer):
        started = time.perf_counter()
        try:
            return self.grader.grade(question, rubric, answer)
        finally:
            self.ms.append(1000 * (time.perf_counter() - started))


def _cold_load_seconds() -> float:
    """Loading the embedding models in a fresh process (this one has them loaded already, by bench_keyword); the
    files are in the disk cache by then, so a first start after boot takes longer."""
    script = (
        "import time; t = time.perf_counter(); from interviewer.graders import embeddings; embeddings.get(); "
        "print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return round(float(done.stdout.split()[-1]), 2)


def bench_eval(name: str) -> dict:
    """Agreement with human scores on the shared ASAG dev set (892 answers), and grading speed."""
    from interviewer.graders import embeddings, evaluate

    data = ROOT.parent / "shared" / "data" / "asag_dev.csv"
    if not data.exists():
        return {"skipped": f"{data} not found"}
    rows = evaluate.read_csv(data, score="score_avg", question_id="question_id")
    load_s = None
    if name == "semantic":
        load_s = _cold_load_seconds()
        embeddings.get()
    grader = _Timed(get_grader(name))
    started = time.perf_counter()
    report = evaluate.evaluate(rows, grader)
    seconds = time.perf_counter() - started
    ms = sorted(grader.ms)
    return {
        "data": "asag_dev.csv (Mohler et al. 2011, assignments 1-5)",
        "grader": name,
        "n": report.n,
        "pearson": report.pearson,
        "spearman": report.spearman,
        "rmse": report.rmse,
        "qwk": report.qwk,
        "p50_ms": round(ms[len(ms) // 2], 2),
        "p95_ms": round(ms[int(0.95 * len(ms))], 2),
        "eval_answers_per_second": round(report.n / seconds),
        "model_load_seconds": load_s,
    }


def write_agreement(results: dict) -> None:
    from interviewer.graders import agreement, evaluate

    data = ROOT.parent / "shared" / "data" / "asag_dev.csv"
    runs = [r for r in (results["eval_asag_dev"], results["eval_asag_dev_semantic"]) if "grader" in r]
    if not runs:
        return
    rows = evaluate.read_csv(data, score="score_me_5", question_id="question_id")
    others = evaluate.read_csv(data, score="score_other_5")
    fields = agreement.Agreement.model_fields
    questions = len({r.question_id for r in rows})
    measured = agreement.Measured(
        data=f"ASAG dev: {len(rows)} answers to {questions} questions (Mohler et al. 2011, assignments 1-5)",
        human_pearson=round(agreement.pearson([r.score for r in rows], [r.score for r in others]), 3),
        graders={r["grader"]: {k: r[k] for k in fields} for r in runs},
    )
    agreement.MEASURED.write_text(measured.model_dump_json(indent=2) + "\n", encoding="utf-8")


def bench_domain(bank) -> dict:
    """Agreement with an expert on the bank's own questions (benchmarks/domain.py): every offline grader, and
    the LLM grader when a server is configured (INTERVIEWER_LLM_BASE_URL)."""
    from benchmarks import domain

    names = ["keyword", "semantic"]
    if load_settings().llm_base_url:
        names.append("llm")
    results = domain.run(names, bank)
    for entry in results.values():
        for name in domain.SETS:
            entry[name].pop("worst", None)  # long; `python benchmarks/domain.py` prints them
    return results


def main() -> None:
    bank = load_bank()
    results = {
        "keyword_grader": bench_keyword(bank),
        "semantic_grader": bench_keyword(bank, "semantic"),
        "eval_asag_dev": bench_eval("keyword"),
        "eval_asag_dev_semantic": bench_eval("semantic"),
        "off_topic_keyword": bench_off_topic(bank, "keyword"),
        "off_topic_semantic": bench_off_topic(bank, "semantic"),
        "domain": bench_domain(bank),
        "history_10k": bench_history(bank),
        "speech": bench_speech(),
        "llm_grader_local": bench_llm(bank),
    }
    from benchmarks.app_bench import run as bench_app

    results["app_overhead"] = bench_app()  # Submit to feedback on Practice, minus the grader's time
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    write_agreement(results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
