"""Graders say what they are; adding one is one file (docs/ARCHITECTURE.md, "Add a grader")."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from interviewer import graders
from interviewer.coaching.answers import grade_with_fallback, submit
from interviewer.config import Settings
from interviewer.content.bank import load_bank
from interviewer.graders import Grader, GradingError, base, choose, get_grader, grader_class, offline_order
from interviewer.history.store import Store, connect

BANK = load_bank(Path(__file__).parent / "data" / "bank")
QUESTION = BANK.questions["canary-vs-blue-green"]
RUBRIC = BANK.rubric_for(QUESTION)

THROWAWAY = textwrap.dedent('''
    """A throwaway grader: everything at level 2."""
    from interviewer.graders.base import Grader, register
    from interviewer.models import CriterionGrade, Grade

    @register
    class HalfGrader(Grader):
        name = "half"
        offline = False  # never auto's pick, never a fallback

        def grade(self, question, rubric, answer):
            criteria = [CriterionGrade(id=c.id, name=c.name, level=2, weight=c.weight) for c in rubric.criteria]
            return Grade(
                question_id=question.id, rubric_id=rubric.id, rubric_version=rubric.version, grader=self.name,
                criteria=criteria,
            )
''')


@pytest.fixture
def registry(monkeypatch):
    """The registry as it is (the built-in graders found), restored after the test."""
    graders.available()
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))


def test_a_new_grader_is_one_file_in_the_package(registry, tmp_path, monkeypatch):
    (tmp_path / "half.py").write_text(THROWAWAY, encoding="utf-8")
    monkeypatch.setattr(graders, "__path__", [*graders.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "interviewer.graders.half", raising=False)
    assert "half" in graders.available()
    store = Store(connect(":memory:")).for_profile("default")
    result = submit(store, get_grader("half"), QUESTION, RUBRIC, "A canary sends 5% of traffic first.")
    assert result.grade.grader == "half" and {c.level for c in result.grade.criteria} == {2}
    assert store.attempt(result.attempt_id).grade.grader == "half"
    assert "half" not in offline_order()  # not offline: auto and the fallbacks leave it alone
    assert choose(Settings(grader="half")) == "half"
    sys.modules.pop("interviewer.graders.half", None)


def test_capabilities_decide_auto_and_the_fallbacks(registry):
    @graders.register
    class Flaky(Grader):
        name = "flaky"
        needs_server = True
        offline = False
        writes_follow_up = True

        @classmethod
        def unavailable(cls, settings):
            return None if settings.llm_base_url == "http://127.0.0.1:9/v1" else "not configured"

        def grade(self, question, rubric, answer):
            raise GradingError("server down")

    assert grader_class("flaky") is Flaky and grader_class("nope") is None
    assert choose(Settings()) in offline_order() and "flaky" not in offline_order()
    on_server = Settings(llm_base_url="http://127.0.0.1:9/v1")
    # With a server configured, auto takes a grader that needs one and can run there (the first by name).
    assert choose(on_server) == "flaky"
    grade = grade_with_fallback(Flaky(), QUESTION, RUBRIC, "A canary sends 5% of traffic first.")
    assert grade.grader == offline_order()[0] and grade.fallback_reason == "flaky grader failed: server down"
    graders.unregister("flaky")
    assert "flaky" not in graders.available()


def test_an_unavailable_offline_grader_is_not_offered(registry):
    @graders.register
    class NeedsAPackage(Grader):
        name = "needs-a-package"

        @classmethod
        def unavailable(cls, settings):
            return "needs a package that is not installed"

        def grade(self, question, rubric, answer):
            raise AssertionError("never called")

    assert "needs-a-package" in graders.available() and "needs-a-package" not in offline_order()
