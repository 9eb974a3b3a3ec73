"""Spoken forms of technical terms read like their written forms, for every grader (interviewer.spoken)."""

from __future__ import annotations

import re

import pytest

from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.spoken import written
from interviewer.text import matches_group, normalise


@pytest.mark.parametrize(
    ("said", "typed"),
    [
        ("I watch p ninety-nine latency and P 95", "I watch p99 latency and p95"),
        ("the p ninety -nine went up", "the p99 went up"),  # how Whisper writes some
        ("p ninety nine point nine", "p99.9"),
        ("we send five percent, then twenty five percent and a hundred percent", "we send 5%, then 25% and 100%"),
        ("moved by 2 %", "moved by 2%"),
        ("moved by two per cent", "moved by 2%"),
        ("two hundred and fifty milliseconds", "250 ms"),
        ("it took 200ms", "it took 200 ms"),
        ("k eight s, K8s and k eights", "k8s, k8s and k8s"),
        ("export it to onyx", "export it to ONNX"),
        ("a C I C D pipeline", "a CI/CD pipeline"),
        ("an A B test", "an A/B test"),
        ("the G P U and P-S-I", "the GPU and PSI"),
        ("ML flow", "MLflow"),
        ("zero point two", "0.2"),
        ("top ten results", "top 10 results"),
        ("1,000 requests", "1000 requests"),
        ("a three GB image", "a 3 GB image"),
        ("so we rolled my.", "so we rolled back."),
    ],
)
def test_spoken_forms_are_written(said, typed):
    assert written(said) == typed
    assert normalise(said) == normalise(typed)


@pytest.mark.parametrize(
    "text",
    [
        "one of the two models",  # small numbers stay words unless a unit follows
        "at one point the model",
        "I rolled my own exporter",  # "my" owns something here
        "I A/B tested it",  # the pronoun is not a spelled letter
        "CI and CD are different",
        "a canary and so on",
        "p99 latency above 200 ms with 99.9% uptime",
    ],
)
def test_written_text_is_left_alone(text):
    assert written(text) == text


def test_idempotent_and_safe_on_the_bank():
    bank = load_bank()
    for q in bank.questions.values():
        once = written(q.model_answer)
        assert written(once) == once
        # Typed answers are already written: only number words and unit spellings may change.
        assert len(once.split()) >= len(q.model_answer.split()) - 25


def test_every_rubric_keyword_still_matches_its_own_text():
    """Keywords go through the same step as answers ("top five percent" and "top 5%" both match)."""
    bank = load_bank()
    for rubric in bank.rubrics.values():
        for criterion in rubric.criteria:
            for point in [*criterion.must_have, *criterion.nice_to_have, *criterion.red_flags]:
                for group in point.keywords:
                    for term in group:
                        if not term.endswith("*"):
                            assert matches_group(normalise(term), [term]), (rubric.id, term)


NUMBERS = {
    "5": "five",
    "2": "two",
    "10": "ten",
    "25": "twenty five",
    "50": "fifty",
    "99": "ninety-nine",
    "95": "ninety-five",
}


def say(typed: str) -> str:
    """How a candidate says a typed answer: "p99" -> "p ninety-nine", "5%" -> "five percent", "ONNX" -> "onyx"."""
    said = re.sub(r"\bp(\d+)\b", lambda m: "p " + NUMBERS.get(m[1], m[1]), typed)
    said = re.sub(r"\b(\d+)%", lambda m: NUMBERS.get(m[1], m[1]) + " percent", said)
    said = re.sub(r"\b(\d+) ms\b", lambda m: NUMBERS.get(m[1], m[1]) + " milliseconds", said)
    return said.replace("ONNX", "onyx").replace("k8s", "k eights")


@pytest.mark.parametrize("question_id", ["dynamic-batching-gpu-classifier", "canary-vs-blue-green"])
def test_a_spoken_answer_grades_like_the_typed_one(question_id):
    # Before the shared step, the first lost 9 points for saying "p ninety-nine" instead of typing "p99".
    bank = load_bank()
    question = bank.questions[question_id]
    typed = question.model_answer
    assert say(typed) != typed
    grader, rubric = get_grader("keyword"), bank.rubric_for(question)
    assert grader.grade(question, rubric, say(typed)).score == grader.grade(question, rubric, typed).score
