"""The app's own overhead: time from Submit to feedback on the Practice page (an AppTest run: saving, the
worker thread, the status box, the page drawn again with the feedback), minus the grader's own time.

    python -c 'from benchmarks.app_bench import run; print(run())'   # about half a minute
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300  # issue 20: keep the overhead under this
SUBMITS = 20


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def run(submits: int = SUBMITS, grader: str = "keyword") -> dict:
    """p50 (and p95) over `submits` first answers to different questions, each on a fresh page."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    import interviewer.ui.state as state
    from interviewer.content.bank import load_bank
    from interviewer.graders import get_grader

    saved_env = {k: os.environ.get(k) for k in ("INTERVIEWER_DB", "INTERVIEWER_SETTINGS", "INTERVIEWER_GRADER")}
    real_get_grader = state.get_grader
    grader_ms: list[float] = []

    def timed_grader(name: str, **options):
        real = real_get_grader(name, **options)

        class Timed(type(real)):
            def grade(self, question, rubric, answer):
                started = time.perf_counter()
                try:
                    return super().grade(question, rubric, answer)
                finally:
                    grader_ms.append(1000 * (time.perf_counter() - started))

        return Timed(settings=real.settings)

    bank = load_bank()
    questions = sorted((q for q in bank.questions.values() if q.kind == "scenario"), key=lambda q: q.id)[:submits]
    totals, overheads = [], []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["INTERVIEWER_DB"] = str(Path(tmp) / "history.db")
        os.environ["INTERVIEWER_SETTINGS"] = str(Path(tmp) / "settings.json")
        os.environ.pop("INTERVIEWER_GRADER", None)
        (Path(tmp) / "settings.json").write_text(f'{{"grader": "{grader}"}}', encoding="utf-8")
        get_grader(grader).grade(questions[0], bank.rubric_for(questions[0]), "warm up")  # models, if any
        state.get_grader = timed_grader
        try:
            for q in questions:
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
                at.selectbox(key="practice_question").set_value(q.id).run()
                answer = " ".join(q.model_answer.split()[:60])
                at.text_area(key=f"answer_{q.id}").input(answer)
                submit = at.button(key="submit")
                before = len(grader_ms)
                started = time.perf_counter()
                submit.click().run()
                total_ms = 1000 * (time.perf_counter() - started)
                if at.exception or not at.metric or len(grader_ms) != before + 1:
                    raise RuntimeError(f"{q.id}: no feedback after Submit ({at.exception})")
                totals.append(total_ms)
                overheads.append(total_ms - grader_ms[-1])
        finally:
            state.get_grader = real_get_grader
            for key, value in saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    p50 = statistics.median(overheads)
    return {
        "what": "Practice page, Submit to feedback in an AppTest, minus the grader's own time",
        "grader": grader,
        "submits": len(overheads),
        "overhead_ms_p50": round(p50, 1),
        "overhead_ms_p95": round(_percentile(overheads, 0.95), 1),
        "submit_to_feedback_ms_p50": round(statistics.median(totals), 1),
        "grader_ms_p50": round(statistics.median(grader_ms), 1),
        "target_ms": TARGET_MS,
        "within_target": p50 < TARGET_MS,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
