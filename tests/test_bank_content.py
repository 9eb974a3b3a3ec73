"""The shipped question bank: valid, complete, and graded sensibly by the keyword grader."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from interviewer.bank import load_bank
from interviewer.graders import get_grader
from interviewer.text import content_words

REQUIRED_TOPICS = [
    "serving-modes",
    "serving-frameworks",
    "containers",
    "orchestration-scaling",
    "release-strategies",
    "monitoring",
    "drift",
    "model-formats",
    "versioning",
    "cicd",
    "security",
    "environments",
    "incidents",
    "llm-serving",
]
CHECKLIST_AREAS = [
    "training-validation",
    "serving-strategy",
    "environments",
    "tooling",
    "monitoring-drift",
    "versioning-rollback",
    "incident-readiness",
]
# Topics whose model answers legitimately share vocabulary; every other pair must not cross-score.
RELATED = {
    "serving-modes": {"serving-frameworks", "orchestration-scaling", "environments", "llm-serving"},
    "serving-frameworks": {"serving-modes", "containers", "orchestration-scaling", "model-formats", "llm-serving"},
    "containers": {"serving-frameworks", "orchestration-scaling", "cicd", "security", "environments"},
    "orchestration-scaling": {
        "serving-modes",
        "serving-frameworks",
        "containers",
        "release-strategies",
        "monitoring",
        "environments",
        "llm-serving",
    },
    "release-strategies": {"orchestration-scaling", "monitoring", "cicd", "versioning", "incidents", "llm-serving"},
    "monitoring": {"release-strategies", "drift", "incidents", "orchestration-scaling", "llm-serving"},
    "drift": {"monitoring", "incidents", "cicd"},
    "model-formats": {"serving-frameworks", "environments", "security"},
    "versioning": {"release-strategies", "cicd", "incidents", "llm-serving"},
    "cicd": {"containers", "release-strategies", "versioning", "drift"},
    "security": {"containers", "model-formats", "environments"},
    "environments": {"serving-modes", "containers", "orchestration-scaling", "model-formats", "security"},
    "incidents": {"release-strategies", "monitoring", "drift", "versioning"},
    "llm-serving": {
        "serving-frameworks",
        "orchestration-scaling",
        "monitoring",
        "release-strategies",
        "versioning",
        "serving-modes",
    },
}
GENERIC = "It depends. I would follow best practices, use the right tools and monitor things to make sure it works."

BANK = load_bank()
GRADER = get_grader("keyword")
QUESTIONS = sorted(BANK.questions.values(), key=lambda q: q.id)


def score(question, answer: str) -> int:
    return GRADER.grade(question, BANK.rubric_for(question), answer).score


def test_bank_is_valid():
    assert [str(p) for p in BANK.problems] == []


def test_bank_size_and_topics():
    counts = Counter(q.topic for q in QUESTIONS)
    assert len([q for q in QUESTIONS if q.kind == "scenario"]) >= 60
    for topic in REQUIRED_TOPICS:
        assert counts[topic] >= 3, f"topic {topic} has {counts[topic]} questions"
    assert set(Counter(q.difficulty for q in QUESTIONS)) == {"easy", "medium", "hard"}


def test_every_rubric_has_three_to_six_criteria_and_probes():
    for q in QUESTIONS:
        rubric = BANK.rubric_for(q)
        if q.kind == "checklist":
            assert [c.id for c in rubric.criteria] == CHECKLIST_AREAS, rubric.id
            assert {p.criterion for p in q.follow_ups} == set(CHECKLIST_AREAS), q.id
        else:
            assert 3 <= len(rubric.criteria) <= 6, rubric.id
            assert 1 <= len(q.follow_ups) <= 3, q.id
        words = len(q.model_answer.split())
        assert 120 <= words <= 330, f"{q.id}: model answer has {words} words"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_model_answer_scores_high_and_non_answers_low(question):
    assert score(question, question.model_answer) >= 80
    assert score(question, "") <= 20
    assert score(question, GENERIC) <= 20
    assert score(question, question.prompt) == 0  # reading the question aloud earns nothing
    assert score(question, f"{question.prompt} {GENERIC}") <= 20


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_unrelated_model_answers_score_low(question):
    if question.topic not in RELATED:
        return
    unrelated = RELATED[question.topic] | {question.topic}
    offenders = {
        other.id: s
        for other in QUESTIONS
        if other.topic in RELATED and other.topic not in unrelated and (s := score(question, other.model_answer)) > 30
    }
    assert offenders == {}


def test_no_near_duplicate_questions():
    words = {q.id: content_words(q.prompt) for q in QUESTIONS}
    for a, b in itertools.combinations(QUESTIONS, 2):
        wa, wb = words[a.id], words[b.id]
        overlap = len(wa & wb) / max(1, len(wa | wb))
        assert overlap < 0.5, f"{a.id} and {b.id} look alike ({overlap:.2f})"
