"""End to end in a real browser: the real Streamlit server on 127.0.0.1, driven by Playwright and Debian's chromium.

Answer a question, see feedback and a follow-up, answer the follow-up, reload, and
find the attempt in History. A screenshot of the feedback is saved to test-artifacts/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.text import sentences

from .conftest import ROOT, require
from .local_llm import free_port

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; no browser download needed)"
    return None


@contextmanager
def streamlit_server(script: str, tmp: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run script` on 127.0.0.1 with its own database and settings; yields the URL once healthy."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVIEWER_", "OPENAI_"))}
    env |= {"INTERVIEWER_DB": str(tmp / "history.db"), "INTERVIEWER_SETTINGS": str(tmp / "settings.json")}
    env |= extra_env or {}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = open(tmp / "streamlit.log", "wb")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp / "streamlit.log").read_text()[-2000:]) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require(_missing())
    with streamlit_server("app.py", tmp_path_factory.mktemp("e2e")) as url:
        yield url


@pytest.fixture
def page(server, request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.set_default_timeout(30_000)
        yield page
        if request.node.rep_call.failed:  # what the browser showed when it failed
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
        browser.close()


def wait_idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=60_000)


def type_answer(page, text: str) -> None:
    box = page.locator("textarea").last  # the answer box (sidebar inputs are not textareas)
    box.fill(text)
    box.press("Control+Enter")  # commits the value to Streamlit before the click
    # Until Streamlit has the value the box says "Press Ctrl+Enter to apply"; the character count stays.
    page.wait_for_function(
        """() => ![...document.querySelectorAll("[data-testid='InputInstructions']")]
            .some((e) => /apply/i.test(e.textContent))"""
    )
    wait_idle(page)


def test_answer_feedback_follow_up_reload_history(server, page):
    bank = load_bank()
    first = sorted(
        (q for q in bank.questions.values() if q.kind == "scenario"), key=lambda q: (q.topic, q.difficulty, q.id)
    )[0]  # what the Practice page shows first
    partial = " ".join(s.text for s in sentences(first.model_answer)[:2])
    expected = get_grader("keyword").grade(first, bank.rubric_for(first), partial)
    assert expected.follow_up and 0 < expected.score < 100

    page.goto(server)
    page.get_by_text(first.prompt[:40]).wait_for()
    type_answer(page, partial)
    page.get_by_role("button", name="Submit").click()
    page.get_by_text(f"{expected.score}/100").first.wait_for()
    page.get_by_text(expected.follow_up, exact=True).wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "feedback.png"), full_page=True)

    type_answer(page, first.model_answer)
    page.get_by_role("button", name="Submit").click()
    wait_idle(page)
    page.get_by_text("Score after follow-ups").or_(page.get_by_role("button", name="Skip")).first.wait_for()

    page.reload()
    page.get_by_role("link", name="History").click()
    page.get_by_text("1 attempt(s)").wait_for()
    page.screenshot(path=str(ARTIFACTS / "history.png"), full_page=True)
    page.get_by_text(f"{expected.score}/100", exact=True).first.wait_for()
    page.get_by_text(partial[:50]).first.wait_for()
    page.get_by_text("Follow-up on").first.wait_for()
