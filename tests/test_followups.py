"""Default follow-up probes: which criterion they pick and how they ask, without giving the answer away."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.graders.followups import Gap, area, giveaway_terms, probe_for
from interviewer.graders.followups import recites as gives_away
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


# Issue 20, problem 5: probes never name the answer, never assume what was not said, are graded on the
# criterion they ask about, and a strong answer is probed too.
FULL = load_bank()


def _bare(question):
    return question.model_copy(update={"follow_ups": []})


def test_no_default_probe_gives_the_answer_away_at_any_level():
    """Every criterion of the shipped bank, as if it had no probe of its own: the probe at levels 0-3 says
    neither a key point nor a criterion name that is the answer ("Immutable, versioned artifacts")."""
    said = []
    for q in FULL.questions.values():
        rubric = FULL.rubric_for(q)
        for c in rubric.criteria:
            gap = Gap(missed=[p.text for p in c.must_have])
            for level in range(4):
                probe = probe_for(_bare(q), rubric, c.id, level, gap, "I would check it first." if level else None)
                if found := gives_away(probe, c, q.prompt):
                    said.append((q.id, c.id, level, found))
    assert said == []


def test_a_name_that_is_the_answer_is_not_said_the_candidates_own_words_are_built_on():
    q = FULL.questions["overwritten-latest-model-rollback"]
    rubric = FULL.rubric_for(q)
    c = next(c for c in rubric.criteria if c.name == "Immutable, versioned artifacts")
    assert giveaway_terms(c, q.prompt)  # "immutable" is the answer, and the question does not say it
    gap = Gap(missed=[p.text for p in c.must_have])
    first = probe_for(_bare(q), rubric, c.id, 0, gap)
    assert "immutab" not in first.lower() and "version" not in first.lower()
    assert first.endswith("?")
    quote = (
        "We keep every model file we ever trained in the bucket, under its own name so nothing gets lost, and the "
        "deployment reads whichever file the config names."
    )
    deeper = probe_for(_bare(q), rubric, c.id, 2, gap, quote)
    assert deeper.startswith("You said: “We keep every model file") and "…”" in deeper  # cut at a word, not mid-word
    assert "immutab" not in deeper.lower()


def test_shipped_probes_do_not_assume_what_the_candidate_did():
    """A probe asked because a point is missing cannot start from the candidate having made it ("You moved the
    requirements copy first...", "In your hybrid design...")."""
    import re

    assumes = re.compile(
        r"^(In your \w+ (design|setup|plan)|After your|You (moved|added|chose|picked|switched|removed)\b)"
    )
    found = [(q.id, p.question) for q in FULL.questions.values() for p in q.follow_ups if assumes.search(p.question)]
    assert found == []


def test_a_probe_about_ci_is_graded_on_the_ci_criterion():
    """The Dockerfile question's probe about CI being slower than a laptop was graded on how layer caching
    works; it is about CI caching, and a reply about ephemeral runners now raises that criterion."""
    qid = "slow-docker-builds-layer-order"
    q = FULL.questions[qid]
    by_text = {p.question: p.criterion for p in q.follow_ups}
    (ci_probe,) = [text for text in by_text if " CI" in text]
    assert by_text[ci_probe] == "ci-and-size"
    store = Store(connect(":memory:")).for_profile("default")
    session = interview.start(store, FULL, "practice", [qid])
    main = (
        "Each Dockerfile instruction is a cached layer, and when one changes Docker rebuilds it and every layer "
        "after it. Copying the whole repository before pip install means every code change invalidates the "
        "dependency layer. I'd copy only requirements.txt, run pip install, then copy the code, and add a "
        ".dockerignore. Order instructions from least to most frequently changing and use a multi-stage build."
    )
    interview.answer(store, GRADER, FULL, session, main, now=1000.0)
    run = session.current
    follow_up = run.pending_follow_up
    assert follow_up.criterion == "ci-and-size" and follow_up.question == ci_probe
    before = run.levels["ci-and-size"]
    reply = "CI runners are ephemeral, so they start with no cache; I'd persist the layer cache in the registry."
    interview.answer(store, GRADER, FULL, session, reply, now=1100.0)
    assert run.follow_ups[0].level > before and run.levels["ci-and-size"] > before


def test_a_strong_answer_gets_one_harder_probe_on_its_strongest_area(bank):
    store = Store(connect(":memory:")).for_profile("default")
    session = interview.start(store, bank, "practice", [QID])
    model_answer = bank.questions[QID].model_answer
    interview.answer(store, GRADER, bank, session, model_answer, now=1000.0)
    run = session.current
    rubric = bank.rubric_for(bank.questions[QID])
    assert all(run.levels[c.id] == 4 for c in rubric.criteria)
    (probe,) = run.follow_ups
    assert probe.stretch and probe.open
    heaviest = max(rubric.criteria, key=lambda c: c.weight)
    assert probe.criterion == heaviest.id
    assert "trade-off" in probe.question and probe.question.startswith("You said: “")
    assert probe.question.split("“")[1].split("”")[0].rstrip("…") in model_answer
    levels = dict(run.levels)
    interview.answer(
        store, GRADER, bank, session, "It costs more, and I'd pick blue-green when I can't wait.", now=1100
    )
    assert run.done and len(run.follow_ups) == 1 and run.pending_follow_up is None
    assert run.levels == levels  # a short reply to the harder probe never lowers what the answer earned


def test_every_shipped_criterion_whose_name_is_the_answer_has_its_own_probe():
    """Such a criterion cannot be asked about by name, and the generic fallback is vague: the bank writes a
    question-specific probe for each (22 were missing)."""
    without = [
        (q.id, c.id)
        for q in FULL.questions.values()
        for c in FULL.rubric_for(q).criteria
        if giveaway_terms(c, q.prompt) and c.id not in {p.criterion for p in q.follow_ups}
    ]
    assert without == []
