"""Default follow-up probes: which criterion they pick and how they ask, without giving the answer away."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.graders.followups import Gap, area, probe_for
from interviewer.graders.keyword import pick_follow_up
from interviewer.history.store import Store, connect
from interviewer.models import CriterionGrade
from interviewer.text import normalise

GRADER = get_grader("keyword")
QID = "canary-vs-blue-green"


@pytest.fixture
def bank():
    """The test bank, with the canary question's own probes removed so the default probes are asked."""
    bank = load_bank(Path(__file__).parent / "data" / "bank")
    bank.questions[QID] = bank.questions[QID].model_copy(update={"follow_ups": []})
    return bank


def recites(probe: str, points: list[str]) -> list[str]:
    return [p for p in points if normalise(p.rstrip(".")) in normalise(probe)]


def all_points(rubric, criterion_id: str) -> list[str]:
    c = rubric.criterion(criterion_id)
    return [p.text for p in [*c.key_points, *c.red_flags]]


def test_a_criterion_below_the_bar_only_for_a_red_flag_is_probed_on_the_claim(bank):
    question = bank.questions[QID]
    rubric = bank.rubric_for(question)
    mechanics = rubric.model_copy(update={"criteria": [rubric.criterion("mechanics")]})
    answer = (
        "Blue-green runs two full environments and switches all traffic at once. "
        "A canary sends 5% of traffic to the new model first, then ramps up in steps. "
        "In the end a canary also moves all traffic at once, so the two are the same."
    )
    grade = GRADER.grade(question, mechanics, answer)
    (c,) = grade.criteria
    assert c.level == 3 and not c.missed and not c.missed_optional and c.red_flags
    probe = grade.follow_up
    assert probe.startswith("You seemed to claim canary sends all traffic to the new model at once.")
    assert "Are you sure" in probe
    assert recites(probe, [p.text for p in rubric.criterion("mechanics").key_points]) == []


def test_a_criterion_with_nothing_to_ask_comes_last_with_a_general_probe(bank):
    question = bank.questions[QID]
    rubric = bank.rubric_for(question)
    capped = CriterionGrade(id="mechanics", name="How each strategy works", level=1, weight=3)  # nothing to ask
    weaker = CriterionGrade(
        id="metrics", name="What to watch", level=3, weight=2, missed_optional=["Automates the rollback"]
    )
    full = [
        CriterionGrade(id=c.id, level=4, weight=c.weight)
        for c in rubric.criteria
        if c.id not in {"mechanics", "metrics"}
    ]
    probe = pick_follow_up(question, rubric, [capped, weaker, *full])
    assert probe == "Let's go deeper on what to watch and when to roll back. What would you add to what you said?"
    # Left alone, it still gets a probe, one that does not name a point (it has none to name).
    alone = pick_follow_up(question, rubric, [capped, weaker.model_copy(update={"level": 4}), *full])
    assert alone == "Let's go deeper on how each strategy works. What would you add to what you said?"


def test_default_probes_ask_about_the_gap_without_reciting_it(bank):
    store = Store(connect(":memory:")).for_profile("default")
    session = interview.start(store, bank, "practice", [QID])
    interview.begin_question(session, now=1000.0)
    partial = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."
    interview.answer(store, GRADER, bank, session, partial, now=1060.0)
    reply = (
        "Blue-green gives an instant rollback, you just switch back, but it doubles the cost. "
        "A canary limits the blast radius because only a few users see a bad model."
    )
    interview.answer(store, GRADER, bank, session, reply, now=1100.0)
    run = session.current
    rubric = bank.rubric_for(bank.questions[QID])
    # The second probe goes to a criterion the follow-up did not grade; it still knows what is missing there.
    assert [f.criterion for f in run.follow_ups] == ["tradeoffs", "metrics"]
    assert run.gaps["metrics"].missed
    for f in run.follow_ups:
        assert area(rubric.criterion(f.criterion).name) in f.question
        assert recites(f.question, all_points(rubric, f.criterion)) == []
    assert run.follow_ups[1].question.startswith("You haven't said much about what to watch")


def test_a_point_made_in_a_follow_up_is_no_longer_missing(bank):
    store = Store(connect(":memory:")).for_profile("default")
    session = interview.start(store, bank, "practice", [QID])
    interview.answer(store, GRADER, bank, session, "I'd use a canary with 5% of traffic.", now=1060.0)
    run = session.current
    assert "Blue-green gives an instant rollback by switching back, at the cost of double infrastructure" in (
        run.gaps["tradeoffs"].missed
    )
    interview.answer(store, GRADER, bank, session, "Blue-green lets you switch back instantly.", now=1100.0)
    assert "Blue-green gives an instant rollback by switching back, at the cost of double infrastructure" not in (
        run.gaps["tradeoffs"].missed
    )
    # Saved and resumed, the gaps come back with the session.
    assert interview.resume(store, session.id).current.gaps == run.gaps


def test_a_session_saved_before_gaps_were_kept_still_asks(bank):
    store = Store(connect(":memory:")).for_profile("default")
    session = interview.start(store, bank, "practice", [QID])
    interview.answer(store, GRADER, bank, session, "I'd use a canary with 5% of traffic.", now=1060.0)
    old = session.model_dump()
    for run in old["runs"]:
        del run["gaps"]
    legacy = interview.Session.model_validate(old)
    interview.skip_follow_up(store, bank, legacy)
    nxt = legacy.current.pending_follow_up
    assert nxt is not None and nxt.question.endswith("?")


def test_acronyms_in_criterion_names_keep_their_case():
    assert area("Keeping ML tests reliable") == "keeping ML tests reliable"
    assert area("CI/CD for ML") == "CI/CD for ML"
    assert area("A/B tests") == "A/B tests"
    assert area("PSI and thresholds") == "PSI and thresholds"
    assert area("Training and validation") == "training and validation"


def test_a_real_rubric_probe_keeps_ML_and_does_not_give_the_answer():
    bank = load_bank()
    question, rubric, criterion = next(
        (q, r, c)
        for q in bank.questions.values()
        for r in [bank.rubric_for(q)]
        for c in r.criteria
        if c.name == "Keeping ML tests reliable"
    )
    question = question.model_copy(update={"follow_ups": []})
    missed = [p.text for p in criterion.must_have]
    probe = probe_for(question, rubric, criterion.id, 2, Gap(missed=missed))
    assert probe == "Let's go deeper on keeping ML tests reliable. What would you add to what you said?"


@pytest.mark.parametrize(
    ("flag", "said"),
    [
        ("Applies the KS test to categorical features", "You seemed to apply the KS test to categorical features."),
        ("Dismisses all scanner findings as noise", "You seemed to dismiss all scanner findings as noise."),
        ("Fixes it by pip installing into the running container", "You seemed to fix it by pip installing"),
        ("Retrains the model on every drift alert", "You seemed to retrain the model on every drift alert."),
        ("Blind trust in offline metrics", "I'd like to come back to something you said about serving."),
    ],
)
def test_a_red_flag_is_put_to_the_candidate_as_their_claim(bank, flag, said):
    question = bank.questions[QID]
    rubric = bank.rubric_for(question)
    rubric = rubric.model_copy(
        update={"criteria": [rubric.criteria[0].model_copy(update={"id": "serving", "name": "Serving"})]}
    )
    probe = probe_for(question, rubric, "serving", 3, Gap(flags=[flag]))
    assert probe.startswith(said) and probe.endswith("Are you sure about that? Walk me through your reasoning.")


def test_asking_order_puts_criteria_with_something_to_ask_first():
    from interviewer.graders.followups import Gap, asking_order

    # "c" has no record (a run saved before gaps were kept): treated as having something to ask.
    found = {"a": Gap(), "b": Gap(missed=["x"])}
    assert asking_order(["a", "b", "c"], found) == ["b", "c", "a"]
    assert asking_order(["a", "b", "c"], {}) == ["a", "b", "c"]
