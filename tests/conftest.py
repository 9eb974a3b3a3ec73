from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from interviewer.config import ENV

ROOT = Path(__file__).resolve().parent.parent


def require(missing: str | None) -> None:
    """A real tool a test needs is missing: in CI that is a failure (.ci/run must install it), locally a skip."""
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; .ci/run must install it")
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path, tmp_path_factory):
    """No test sees the developer's settings, keys or history database."""
    for var in [*ENV.values(), "OPENAI_API_KEY", "INTERVIEWER_SETTINGS"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "history.db"))
    monkeypatch.setenv("INTERVIEWER_PACKS", str(tmp_path_factory.mktemp("packs")))
    # Outside tmp_path, so a test that owns tmp_path finds only its own files there.
    settings = tmp_path_factory.mktemp("settings") / "settings.json"
    monkeypatch.setenv("INTERVIEWER_SETTINGS", str(settings))
    # As if saved on the Settings page: the deterministic keyword grader is what the tests grade with.
    # (An environment variable would pin it there.) Tests of `auto` pass their own settings.
    settings.write_text('{"grader": "keyword"}', encoding="utf-8")
    # As `make run` serves it: on loopback only (an unset address means every interface, and a warning).
    from streamlit import config

    address = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield tmp_path
    config.set_option("server.address", address)


@pytest.fixture
def settings_file(isolated_env) -> Path:
    return Path(os.environ["INTERVIEWER_SETTINGS"])


RUBRIC = """\
rubrics:
  - id: r1
    version: 1
    criteria:
      - id: strategy
        name: Release strategy
        weight: 2
        description: Explains how the canary works.
        must_have:
          - text: Sends a small share of traffic to the new model
            keywords:
              - [canary]
              - [small share, "5%", small percent*]
        anchors: {0: none, 1: weak, 2: partial, 3: good, 4: excellent}
"""

QUESTION = """\
questions:
  - id: q1
    title: A question
    prompt: How would you release it?
    topic: release-strategies
    difficulty: easy
    rubric: r1
    model_answer: A canary with a small share of traffic.
"""


@pytest.fixture
def write_bank(tmp_path):
    """Write a small bank (question and rubric YAML text) into tmp_path; returns the root."""

    def write(questions: str = QUESTION, rubrics: str = RUBRIC, name: str = "bank") -> Path:
        root = tmp_path / name
        (root / "questions").mkdir(parents=True)
        (root / "rubrics").mkdir(parents=True)
        (root / "questions" / "q.yaml").write_text(textwrap.dedent(questions))
        (root / "rubrics" / "r.yaml").write_text(textwrap.dedent(rubrics))
        return root

    return write


# The Streamlit app through AppTest (streamlit/llm-examples style): a fresh session per call.
QID = "canary-vs-blue-green"


def new_app(script: str = "app.py"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / script), default_timeout=30).run()
    assert not at.exception
    return at


@pytest.fixture
def app():
    return new_app()


def choose(at, qid: str = QID):
    """Open one question on the Practice page."""
    at.selectbox(key="practice_topic").set_value("release-strategies").run()
    at.selectbox(key="practice_question").set_value(qid).run()
    return at


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory):
    """A real local LLM server (llama.cpp serving SmolLM2-135M) on loopback, shared by the tests that need one."""
    from . import local_llm

    reason = local_llm.missing()
    require(reason and f"{reason} ({local_llm.INSTALL_HINT})")
    with local_llm.llama_server(tmp_path_factory.mktemp("llama") / "server.log") as base_url:
        yield base_url


# Which tests use a real slow component, by the fixture that starts it (see the markers in pyproject.toml).
SLOW_FIXTURES = {
    "page": "browser",
    "llm_server": "llm_server",
    "tts": "speech",
}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in SLOW_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets fixtures see whether the test failed (the browser test saves a screenshot then).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
