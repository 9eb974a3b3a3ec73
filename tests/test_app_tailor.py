"""The Tailor to a job page through AppTest: paste a JD, see skills and matches, start a mock interview,
draft questions for the gaps with the fake LLM server, and the no-LLM message."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from interviewer.coaching import interview, tailor
from interviewer.content.bank import load_bank
from interviewer.history.store import Store

from .conftest import ROOT, new_app
from .fake_llm import FakeLLMServer
from .test_drafting import DRAFT as LLM_DRAFT

TAILOR = "interviewer/ui/pages/tailor.py"
JDS = Path(__file__).parent / "data" / "jds"
# Data labelling is a skill the bank has no question for, so the data-labelling JD has a gap to draft for.
GAP_JD = "ml-engineer-data-labelling.md"
DRAFT = {
    **LLM_DRAFT,
    "skill": "data-labelling",
    "title": "Active learning for an invoice labelling queue",
    "prompt": "Annotators label 2,000 invoices a week in Label Studio, and the field-extraction model barely "
    "improves. How would you choose what they label next and check the quality of their labels?",
    "model_answer": "Labelling at random wastes most of the budget on easy documents, so I'd use active learning: "
    "score the unlabelled pool and send the invoices the model is least confident about to annotators. I'd add "
    "gold questions and double-label a sample to measure inter-annotator agreement, and send disagreements to a "
    "review queue before the labels go into training.",
    "criteria": [
        {
            "name": "Choosing what to label",
            "description": "Picks documents by model uncertainty rather than at random.",
            "key_points": [
                {
                    "text": "Uses active learning with uncertainty sampling",
                    "keywords": ["active learning", "uncertainty"],
                }
            ],
        },
        {
            "name": "Label quality",
            "description": "Measures and controls annotation quality.",
            "key_points": [
                {
                    "text": "Measures inter-annotator agreement with gold questions",
                    "keywords": ["inter-annotator agreement", "gold questions"],
                }
            ],
        },
    ],
}
QID = "jd-data-labelling-active-learning-for-an-invoice-labelling"


@pytest.fixture
def page():
    at = new_app()
    at.switch_page(TAILOR).run()
    assert not at.exception
    return at


def find(at: AppTest, jd: str) -> AppTest:
    at.text_area(key="tailor_jd").input((JDS / jd).read_text())
    at.button(key="tailor_find").click().run()
    assert not at.exception
    return at


def test_paste_jd_shows_skills_and_matches_then_starts_the_mock(page, isolated_env):
    at = find(page, "fraud-ml-engineer.md")
    captions = " ".join(c.value for c in at.caption)
    assert "**Drift detection**" in captions and "**Model monitoring and observability**" in captions
    expected = tailor.rank((JDS / "fraud-ml-engineer.md").read_text(), load_bank()).top(5)
    shown = [m.value for m in at.markdown if m.value.startswith(("**1.", "**2.", "**3.", "**4.", "**5."))]
    assert len(shown) == 5 and tailor_title(expected[0].title) in shown[0]
    assert sum(c.value.split(": ")[0] in ("Strong match", "Good match", "Partial match") for c in at.caption) == 5
    at.button(key="tailor_start").click().run()
    assert not at.exception
    assert at.title[0].value == "Mock interview"
    assert "Question 1 of 5" in at.caption[0].value
    store = Store.open(isolated_env / "history.db").for_profile("default")
    (row,) = store.open_sessions(mode="mock")
    session = interview.resume(store, row.id)
    assert [r.question_id for r in session.runs] == [m.question_id for m in expected]


def tailor_title(title: str) -> str:
    from interviewer.ui.escape import md_escape

    return md_escape(title)


def test_each_ranked_question_can_be_practised_on_its_own(page):
    at = find(page, "fraud-ml-engineer.md")
    second = tailor.rank((JDS / "fraud-ml-engineer.md").read_text(), load_bank()).top(5)[1]
    buttons = [b.key for b in at.button if b.key and b.key.startswith("tailor_practise_")]
    assert len(buttons) == 5
    at.button(key=f"tailor_practise_{second.question_id}").click().run()
    assert not at.exception
    assert at.title[0].value == "Practice"
    assert at.selectbox(key="practice_question").value == second.question_id


def test_empty_jd_and_bad_jd_messages(page):
    page.button(key="tailor_find").click().run()
    assert "empty or too short" in page.error[0].value
    at = find(page, "marketing-manager.txt")
    assert "few or no model-deployment skills" in at.info[0].value
    assert not any(b.key == "tailor_start" for b in at.button)


def test_without_an_llm_drafting_says_it_needs_one(page):
    at = find(page, GAP_JD)
    assert any("Data labelling and human" in m.value for m in at.markdown)  # the gap is listed
    assert "needs an LLM" in at.info[-1].value
    assert not any(b.key == "tailor_draft" for b in at.button)


def test_draft_review_accept_and_save_to_the_pack(page, monkeypatch):
    packs = Path(os.environ["INTERVIEWER_PACKS"])
    with FakeLLMServer() as fake:
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "5")
        fake.enqueue(("ok", json.dumps({"questions": [DRAFT]})))
        at = find(page, GAP_JD)
        at.button(key="tailor_draft").click().run()
        assert not at.exception
    qid = QID
    assert "Drafts to review" in [s.value for s in at.subheader]
    assert any("active learning" in c.value for c in at.caption)
    assert at.button(key="tailor_save").disabled  # nothing accepted yet
    at.checkbox(key=f"tailor_accept_{qid}").check().run()
    at.button(key="tailor_save").click().run()
    assert not at.exception
    assert "Saved 1 question(s) to tailored.yaml" in at.success[0].value
    data = yaml.safe_load((packs / "tailored.yaml").read_text())
    assert [q["id"] for q in data["questions"]] == [qid]
    assert qid in load_bank(packs=packs).questions


def test_drafting_failure_is_shown_plainly(page, monkeypatch):
    with FakeLLMServer() as fake:
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "5")
        fake.enqueue(("ok", "no json here"), ("ok", "still none"))
        at = find(page, GAP_JD)
        at.button(key="tailor_draft").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("No drafts: ") and "after 2 tries" in at.error[0].value


def test_shared_deployment_reviews_drafts_but_does_not_save_them(monkeypatch):
    from interviewer.ui import auth

    monkeypatch.setattr(auth, "enabled", lambda: True)
    monkeypatch.setattr(auth, "signed_in_profile", lambda: "alice")
    with FakeLLMServer() as fake:
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "5")
        fake.enqueue(("ok", json.dumps({"questions": [DRAFT]})))
        at = find(AppTest.from_file(str(ROOT / TAILOR), default_timeout=30).run(), GAP_JD)
        at.button(key="tailor_draft").click().run()
    assert not at.exception
    assert "Drafts to review" in [s.value for s in at.subheader]
    assert "only the operator adds packs" in at.caption[-1].value
    assert not any(b.key == "tailor_save" for b in at.button) and not at.checkbox
    assert not list(Path(os.environ["INTERVIEWER_PACKS"]).iterdir())
