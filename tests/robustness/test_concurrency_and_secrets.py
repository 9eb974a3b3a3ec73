"""Many writers on one database, a killed grader, and API keys that never leak."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

from interviewer import llm_client
from interviewer.coaching.answers import submit
from interviewer.config import load_settings
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import export
from interviewer.history.store import Store

from ..conftest import ROOT
from ..fake_llm import FakeLLMServer

WRITER = textwrap.dedent("""
    import sys
    from interviewer.coaching.answers import submit
    from interviewer.content.bank import load_bank
    from interviewer.graders import get_grader
    from interviewer.history.store import Store
    store, bank, grader = Store.open(sys.argv[1]), load_bank(), get_grader("keyword")
    q = bank.questions["canary-vs-blue-green"]
    for i in range(int(sys.argv[3])):
        answer = f"canary {i} with 5% of traffic, then ramp up"
        result = submit(store.for_profile(sys.argv[2]), grader, q, bank.rubric_for(q), answer)
        assert result.grade is not None
""")
READER = textwrap.dedent("""
    import sys, time
    from interviewer.history.store import Store
    store = Store.open(sys.argv[1])
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        for p in ("w0", "w3", "w7"):
            store.for_profile(p).attempts(limit=50)
            store.for_profile(p).count_attempts()
""")


def test_eight_writers_and_a_reader(tmp_path):
    db = tmp_path / "shared.db"
    Store.open(db).close()  # migrate once, as the app does on start
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), f"w{n}", "100"], env=env, stderr=subprocess.PIPE, text=True
        )
        for n in range(8)
    ]
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), "5"], env=env, stderr=subprocess.PIPE, text=True)
    errors = [(p.wait(timeout=300), p.stderr.read()) for p in [*writers, reader]]
    assert all(code == 0 for code, _ in errors), [e for _, e in errors if e][:1]
    assert not any("locked" in err for _, err in errors)
    store = Store.open(db)
    assert store.db["attempts"].count == 800
    assert all(store.for_profile(f"w{n}").count_attempts() == 100 for n in range(8))
    assert store.db.execute("SELECT count(*) FROM attempts WHERE status != 'graded'").fetchone()[0] == 0


HANGING = textwrap.dedent("""
    import sys, time
    from interviewer.coaching.answers import submit
    from interviewer.content.bank import load_bank
    from interviewer.graders.base import Grader
    from interviewer.history.store import Store

    class Hang(Grader):
        name = "hang"
        def grade(self, question, rubric, answer):
            print("grading", flush=True)
            time.sleep(600)

    bank = load_bank()
    q = bank.questions["canary-vs-blue-green"]
    store = Store.open(sys.argv[1]).for_profile("default")
    submit(store, Hang(), q, bank.rubric_for(q), "my careful answer about canaries")
""")


def test_killing_a_process_mid_grade_keeps_the_answer(tmp_path):
    db = tmp_path / "h.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", HANGING, str(db)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "grading"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    (attempt,) = Store.open(db).for_profile("default").attempts()
    assert (attempt.answer, attempt.status) == ("my careful answer about canaries", "pending")


def test_api_key_never_leaks(tmp_path, caplog, monkeypatch):
    secret = "sk-live-abcdef0123456789"
    bank = load_bank()
    q = bank.questions["canary-vs-blue-green"]
    store = Store.open(tmp_path / "k.db").for_profile("default")
    monkeypatch.setenv("INTERVIEWER_LLM_API_KEY", secret)
    llm_client.negotiated.clear()
    caplog.set_level(logging.DEBUG)
    with FakeLLMServer() as fake:
        fake.enqueue(("status", 401), ("ok", "not json"), ("ok", "still not"), ("ok", "nope"))
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_MODEL", "m")
        settings = load_settings()
        grader = get_grader("llm", settings=settings)
        first = submit(store, grader, q, bank.rubric_for(q), "canary with 5% of traffic")  # 401: fallback
        second = submit(store, grader, q, bank.rubric_for(q), "blue-green with an instant switch back")
        time.sleep(0.1)
    assert "refused the API key" in first.grade.fallback_reason and second.grade.fallback_reason
    places = {
        "database": "\n".join(store.db.iterdump()),
        "logs": caplog.text,
        "json export": export.to_json(store),
        "csv export": export.to_csv(store),
        "markdown export": export.to_markdown(store, bank),
        "settings": repr(settings) + settings.model_dump_json() + json.dumps(settings.model_dump(mode="json")),
        "errors": first.grade.fallback_reason + second.grade.fallback_reason,
    }
    assert {name for name, text in places.items() if secret in text} == set()
