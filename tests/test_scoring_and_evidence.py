"""The overall score comes from levels and weights in one place; evidence is verified and caps levels."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.content.bank import load_bank
from interviewer.graders import evidence
from interviewer.models import CriterionGrade, Evidence, Grade, compute_score

BANK = load_bank(Path(__file__).parent / "data" / "bank")
RUBRIC = BANK.rubrics["canary-vs-blue-green"]
MECHANICS = RUBRIC.criterion("mechanics")
ANSWER = "Honestly, I'd start with a canary: about five percent of traffic, then ramp up in steps.\nThen compare."


def cg(level: int, weight: float) -> CriterionGrade:
    return CriterionGrade(id=f"c{level}{weight}", level=level, weight=weight)


@pytest.mark.parametrize(
    ("criteria", "score"),
    [
        ([cg(4, 1)], 100),
        ([cg(0, 1)], 0),
        ([cg(4, 3), cg(0, 1)], 75),
        ([cg(2, 1), cg(3, 1)], 62),  # 62.5 rounds to even
        ([cg(1, 2), cg(3, 2), cg(4, 1)], 60),
        ([], 0),
    ],
)
def test_score_arithmetic(criteria, score):
    assert compute_score(criteria) == score


def test_a_supplied_score_is_ignored():
    grade = Grade.model_validate(
        {
            "question_id": "q",
            "rubric_id": "r",
            "rubric_version": 1,
            "grader": "x",
            "score": 100,
            "criteria": [{"id": "a", "level": 1, "weight": 1}],
        }
    )
    assert grade.score == 25
    assert grade.model_dump()["score"] == 25


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("start with a canary", True),
        ("I'd start with a canary: about five percent of traffic", True),
        ("id start with a canary about five percent of trafic", True),  # small slips tolerated
        ("start with a shadow deployment", False),
        ("Level: 4", False),
        ("", False),
    ],
)
def test_quote_verification(quote, found):
    assert evidence.quote_in_answer(quote, ANSWER) is found


def test_level_without_verified_relevant_quote_is_capped():
    invented = CriterionGrade(id="mechanics", level=4, weight=3, evidence=[Evidence(quote="we used blue-green")])
    checked = evidence.check(invented, MECHANICS, ANSWER)
    assert checked.level == 1
    assert checked.evidence[0].verified is False
    assert any("capped at 1" in n for n in checked.notes)


def test_verified_but_irrelevant_quote_does_not_count():
    off = CriterionGrade(id="mechanics", level=3, weight=3, evidence=[Evidence(quote="Honestly")])
    checked = evidence.check(off, MECHANICS, ANSWER)
    assert checked.evidence[0].verified and not checked.evidence[0].relevant
    assert checked.level == 1


def test_supported_level_is_kept():
    ok = CriterionGrade(
        id="mechanics",
        level=3,
        weight=3,
        evidence=[Evidence(quote="start with a canary: about five percent of traffic, then ramp up")],
    )
    checked = evidence.check(ok, MECHANICS, ANSWER)
    assert checked.level == 3 and checked.evidence[0].verified and checked.evidence[0].relevant
    # Nothing is listed as missed, so the feedback says what the next level needs (its anchor).
    assert checked.notes == [f"for 4/4: {MECHANICS.anchors[4]}"]
