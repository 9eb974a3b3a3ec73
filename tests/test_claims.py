"""Grading what is right, not what is mentioned: misconceptions, depth, lists, and consistent feedback."""

from __future__ import annotations

import pytest

from interviewer.content.bank import load_bank, load_paths
from interviewer.graders import get_grader

RUBRIC = """\
rubrics:
  - id: r1
    version: 1
    criteria:
      - id: strategy
        name: Release strategy
        weight: 3
        description: Explains how a canary release works.
        must_have:
          - text: A canary sends a small share of traffic to the new model first
            keywords:
              - [canary]
              - [small share, "5%", small percent*, few percent]
            why: [ramp*, "25%", "50%", blast radius, few users, in steps]
        misconceptions:
          - claim: A canary sends all traffic to the new model at once
            why: That is blue-green; a canary starts with a small share and widens it.
            says:
              - With a canary all the traffic goes to the new model at once.
              - The canary release moves every user over in one go.
            keywords:
              - [canary sends all, canary moves all, canary switches all, canary release moves every]
        anchors: {0: none, 1: weak, 2: names it, 3: explains it, 4: explains it with numbers}
      - id: watch
        name: What to watch
        weight: 2
        description: Names the metrics watched during the release.
        must_have:
          - text: Watches latency and errors of the new model
            keywords:
              - [latency, p99, error*]
            why: [p99, " ms", threshold*, roll back, rollback, above]
        misconceptions:
          - claim: Nothing needs watching once offline accuracy is good
            why: Offline accuracy says nothing about latency, errors or live data; a release is watched live.
            says:
              - I wouldn't watch anything, the offline accuracy was good.
              - No need to monitor the canary if the test set looked fine.
            keywords:
              - [wouldn't watch anything, no need to monitor, don't need to monitor, nothing to watch]
            core: false
        anchors: {0: none, 1: weak, 2: names it, 3: explains it, 4: explains it with numbers}
"""
QUESTION = """\
questions:
  - id: q1
    title: Release it
    prompt: How would you release the new fraud model?
    topic: release-strategies
    difficulty: easy
    rubric: r1
    model_answer: A canary sends 5% of traffic first and ramps to 25% and 50% while p99 stays under 200 ms.
"""

GRADERS = ["keyword", "semantic"]


@pytest.fixture
def bank(write_bank):
    loaded = load_paths([write_bank(QUESTION, RUBRIC)])
    assert loaded.problems == []
    return loaded


def grade(bank, answer: str, grader: str = "keyword"):
    q = bank.questions["q1"]
    return get_grader(grader).grade(q, bank.rubric_for(q), answer)


@pytest.mark.parametrize("grader", GRADERS)
def test_a_core_misconception_fails_the_answer_and_says_why(bank, grader):
    wrong = (
        "I'd use a canary. The canary sends all traffic to the new model at once, about 5% of the time it is "
        "safe. I'd watch p99 latency and roll back above 200 ms."
    )
    g = grade(bank, wrong, grader)
    strategy, watch = g.criteria
    assert strategy.level == 0 and watch.level <= 1 and g.score <= 15
    (said,) = strategy.wrong_claims
    assert said.claim == "A canary sends all traffic to the new model at once"
    assert "canary sends all traffic" in said.quote and said.why.startswith("That is blue-green")
    assert all(said.quote != e.quote for e in strategy.evidence)  # a wrong sentence is never evidence
    assert any("which is wrong" in n for n in watch.notes)  # the other criterion says why it is capped
    assert g.summary.startswith("Wrong: A canary sends all traffic")


@pytest.mark.parametrize("grader", GRADERS)
def test_a_secondary_misconception_caps_only_its_criterion(bank, grader):
    answer = (
        "A canary sends 5% of traffic first and ramps to 25% and 50% to limit the blast radius. "
        "Honestly I wouldn't watch anything, the offline accuracy was great."
    )
    strategy, watch = grade(bank, answer, grader).criteria
    assert strategy.level >= 3 and watch.level <= 1 and watch.wrong_claims


def test_the_right_claim_with_the_same_words_is_not_wrong(bank):
    right = "Blue-green switches all traffic at once; a canary sends 5% first and ramps in steps to 50%."
    strategy, _ = grade(bank, right).criteria
    assert strategy.wrong_claims == [] and strategy.level >= 3


def test_a_point_only_named_earns_at_most_2(bank):
    named = grade(bank, "I would use a canary with a small share of traffic and I would watch the latency.")
    explained = grade(
        bank,
        "I would use a canary with a small share of traffic, then ramp to 25% and 50% so a bad model reaches "
        "few users. I would watch p99 latency and roll back above 300 ms.",
    )
    assert [c.level for c in named.criteria] == [2, 2]
    assert all(any(n.startswith("named without the why or how") for n in c.notes) for c in named.criteria)
    assert [c.level for c in explained.criteria] == [4, 4]
    assert named.score == 50 and explained.score == 100


@pytest.mark.parametrize("grader", GRADERS)
@pytest.mark.parametrize(
    "answer",
    [
        "canary, small share, 5%, ramp, 25%, 50%, blast radius, p99, latency, errors, rollback",
        "- canary\n- 5%\n- ramp\n- p99\n- latency\n- rollback",
        " ".join(["canary small share 5% ramp 25% blast radius p99 latency error rollback threshold"] * 20),
    ],
    ids=["commas", "bullets", "soup"],
)
def test_a_bare_list_of_terms_earns_nothing_and_is_told_to_explain(bank, grader, answer):
    g = grade(bank, answer, grader)
    assert g.score <= 10
    assert "list of terms" in g.summary and "in a sentence" in g.summary


def test_a_list_inside_a_real_sentence_still_counts(bank):
    g = grade(
        bank,
        "During the canary I'd watch p99 latency, error rate, CPU, memory and approval rate, and roll back "
        "above 300 ms.",
    )
    assert g.criteria[1].level >= 3


def test_a_question_asserts_nothing(bank):
    assert grade(bank, "Should we send a small share of traffic to a canary? Maybe watch latency?").score == 0


def test_built_in_rubrics_must_name_misconceptions_and_depth(tmp_path, monkeypatch):
    """The bank's own rubrics must say what is wrong and what depth looks like; the loader says where not."""
    from interviewer.content import bank as bank_mod

    (tmp_path / "rubrics").mkdir()
    (tmp_path / "questions").mkdir()
    no_why = RUBRIC.replace('            why: [ramp*, "25%", "50%", blast radius, few users, in steps]\n', "")
    (tmp_path / "rubrics" / "r.yaml").write_text(no_why)
    monkeypatch.setattr(bank_mod, "DEFAULT_ROOT", tmp_path)
    problems = [str(p) for p in load_bank(tmp_path).problems]
    assert any(
        p.endswith("criteria[*].misconceptions: name at least 3 misconceptions candidates hold (found 2)")
        for p in problems
    )
    assert any(":10: rubrics[0].criteria[0].must_have[0].why: say what shows the why or how" in p for p in problems)


BANK = load_bank()


@pytest.mark.parametrize("grader", GRADERS)
@pytest.mark.parametrize("question", sorted(BANK.questions), ids=str)
def test_feedback_never_contradicts_itself_over_the_whole_bank(grader, question):
    """On every question, for a full, a half and a short answer: no 4/4 with a must-have missed, no point
    both quoted and missed, no quote twice, and every level below 4 says what it lacks."""
    q = BANK.questions[question]
    rubric = BANK.rubric_for(q)
    words = q.model_answer.split()
    answers = [q.model_answer, " ".join(words[: len(words) // 2]), " ".join(words[:25])]
    for answer in answers if grader == "keyword" else answers[::2]:  # semantic: full and short, for time
        for c, rc in zip(get_grader(grader).grade(q, rubric, answer).criteria, rubric.criteria, strict=True):
            where = f"{q.id}/{c.id} ({len(answer.split())} words)"
            must = {p.text for p in rc.must_have}
            assert not (c.level == 4 and must & set(c.missed)), where
            quotes = [e.quote for e in c.evidence]
            assert len(quotes) == len(set(quotes)), where
            if c.level < 4:
                assert c.missed or c.missed_optional or c.notes or c.wrong_claims or c.red_flags, where


def test_llm_levels_follow_the_claim_rules(bank):
    """What an LLM (or any grader) reports goes through the same rules in code: 3+ needs a quote that says a
    key point, and a misconception said in the answer caps the level."""
    from interviewer.graders.keyword import enforce
    from interviewer.models import CriterionGrade, Evidence

    rubric = bank.rubric_for(bank.questions["q1"])
    answer = "Canary small share traffic is what I like. Also the canary moves all traffic at once here."

    def said(level, quote):
        return [
            CriterionGrade(id=c.id, level=level, weight=c.weight, evidence=[Evidence(quote=quote, verified=True)])
            for c in rubric.criteria
        ]

    vague = enforce(
        rubric, said(4, "Canary small share traffic is what I like"), "Canary small share traffic is what I like."
    )
    assert [c.level for c in vague] == [4, 2]  # the first quote says the canary point; for `watch` it says nothing
    wrong = enforce(rubric, said(4, "Canary small share traffic is what I like"), answer)
    assert wrong[0].level == 0 and wrong[0].wrong_claims and wrong[1].level <= 1
