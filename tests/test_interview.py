"""The interview state machine: follow-up choice, scoring before/after, timing, checklist coverage, resume."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history.store import Store, connect
from interviewer.models import Probe

BANK = load_bank(Path(__file__).parent / "data" / "bank")
FULL_BANK = load_bank()
GRADER = get_grader("keyword")
QID = "canary-vs-blue-green"
WALK = "e2e-realtime-card-fraud"
PARTIAL = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."


@pytest.fixture
def store():
    return Store(connect(":memory:")).for_profile("default")


def start(store, mode="practice", ids=(QID,), **kw):
    session = interview.start(store, BANK, mode, list(ids), **kw)
    interview.begin_question(session, now=1000.0)
    return session


def test_follow_up_probes_the_biggest_weighted_gap(store):
    session = start(store)
    result = interview.answer(store, GRADER, BANK, session, PARTIAL, now=1060.0)
    run = session.current
    levels = {c.id: c.level for c in result.grade.criteria}
    assert levels == {"mechanics": 3, "tradeoffs": 0, "metrics": 0}
    # tradeoffs and metrics are both at 0; tradeoffs weighs 3, metrics 2.
    (follow_up,) = run.follow_ups
    assert follow_up.criterion == "tradeoffs"
    assert follow_up.question == "When would blue-green be the better choice than a canary, despite its cost?"


def test_follow_up_answer_is_graded_on_its_criterion_and_raises_the_score(store):
    session = start(store)
    interview.answer(store, GRADER, BANK, session, PARTIAL, now=1060.0)
    result = interview.answer(
        store,
        GRADER,
        BANK,
        session,
        "Blue-green gives an instant rollback, you just switch back, but it doubles the cost. "
        "A canary limits the blast radius because only a few users see a bad model.",
        now=1100.0,
    )
    assert [c.id for c in result.grade.criteria] == ["tradeoffs"]
    run = session.current
    assert run.levels["tradeoffs"] > run.initial_levels["tradeoffs"] == 0
    rubric = BANK.rubric_for(BANK.questions[QID])
    assert interview.weighted_score(rubric, run.levels) > interview.weighted_score(rubric, run.initial_levels)
    # The second (and last) follow-up goes to the next gap; then the question is done.
    assert run.follow_ups[1].criterion == "metrics" and run.follow_ups[1].open
    interview.skip_follow_up(store, BANK, session)
    assert run.follow_ups[1].skipped and run.done and run.pending_follow_up is None
    saved = store.follow_ups(run.attempt_id)
    assert [(a.criterion_id, a.status) for a in saved] == [("tradeoffs", "graded")]


def test_an_excellent_answer_gets_one_harder_probe_and_no_gap_probes(store):
    session = start(store)
    interview.answer(store, GRADER, BANK, session, BANK.questions[QID].model_answer, now=1010.0)
    (probe,) = session.current.follow_ups
    assert probe.stretch and not session.current.done
    interview.skip_follow_up(store, BANK, session)
    assert len(session.current.follow_ups) == 1 and session.current.done


def test_running_over_time_is_recorded_not_blocking(store):
    session = start(store, mode="mock")
    minutes = BANK.questions[QID].suggested_minutes
    result = interview.answer(store, GRADER, BANK, session, PARTIAL, now=1000.0 + minutes * 60 + 5)
    assert result.grade is not None
    attempt = store.attempt(result.attempt_id)
    assert attempt.overran is True and attempt.time_taken_s == minutes * 60 + 5
    assert session.current.overran


def test_resume_after_restart(store):
    session = start(store, mode="mock", ids=(QID, WALK), coached=False)
    interview.answer(store, GRADER, BANK, session, PARTIAL, now=1060.0)
    (row,) = store.open_sessions(mode="mock")
    resumed = interview.resume(store, row.id)
    assert resumed == session and resumed.coached is False
    assert resumed.current.pending_follow_up.criterion == "tradeoffs"
    interview.next_question(store, resumed)
    interview.next_question(store, resumed)
    assert resumed.finished and store.open_sessions() == []


def test_checklist_coverage_and_follow_ups_until_covered(store):
    session = start(store, mode="walkthrough", ids=(WALK,))
    answer = (
        "We trained a gradient boosted model with a time-based split and measured PR AUC and recall at a fixed "
        "precision. Serving had to be online, a FastAPI service behind a REST endpoint."
    )
    interview.answer(store, GRADER, BANK, session, answer, now=1100.0)
    run = session.current
    rubric = BANK.rubric_for(BANK.questions[WALK])
    rows = {r[0]: r for r in interview.coverage(run, rubric)}
    assert rows["incident-readiness"][2] == "missed" and rows["incident-readiness"][3] is None
    assert rows["training-validation"][2] in ("covered", "partial")
    assert rows["training-validation"][3] in answer
    missed = [r[0] for r in rows.values() if r[2] != "covered"]
    # One follow-up at a time, on the most important areas not yet covered, at most three; the rest are
    # left for the report rather than asked one after another.
    asked = []
    while run.pending_follow_up:
        asked.append(run.pending_follow_up.criterion)
        interview.skip_follow_up(store, BANK, session)
    cap = interview.MAX_FOLLOW_UPS["checklist"]
    assert len(missed) > cap and len(asked) == cap and run.done
    weight = {c.id: c.weight * (3 - run.levels.get(c.id, 0)) for c in rubric.criteria}
    assert sorted((weight[c] for c in asked), reverse=True) == sorted((weight[c] for c in missed), reverse=True)[:cap]
    names = {c.id: c.name for c in rubric.criteria}
    assert interview.not_asked(run, rubric) == [names[c] for c in missed if c not in asked]


def test_every_area_starts_open_not_missed(store):
    session = start(store, mode="walkthrough", ids=(WALK,))
    rubric = BANK.rubric_for(BANK.questions[WALK])
    assert {r[2] for r in interview.coverage(session.current, rubric)} == {"open"}


def test_a_thin_walkthrough_gets_at_most_three_follow_ups(store):
    """Before: a thin answer and thin replies brought seven follow-ups in a row, one per area."""
    session = start(store, mode="walkthrough", ids=(WALK,))
    interview.answer(store, GRADER, BANK, session, "We trained a model and deployed it with Docker.", now=1100.0)
    run = session.current
    while run.pending_follow_up:
        interview.answer(store, GRADER, BANK, session, "I'm not sure, we would handle it somehow.", now=1200.0)
    assert len(run.follow_ups) == 3 and run.done
    assert len(interview.not_asked(run, BANK.rubric_for(BANK.questions[WALK]))) == 4


def test_walkthrough_follow_up_can_cover_an_area(store):
    session = start(store, mode="walkthrough", ids=(WALK,))
    interview.answer(store, GRADER, BANK, session, "We trained a model and deployed it.", now=1100.0)
    run = session.current
    model_answer = BANK.questions[WALK].model_answer
    target = run.pending_follow_up.criterion
    interview.answer(store, GRADER, BANK, session, model_answer, now=1200.0)
    rubric = BANK.rubric_for(BANK.questions[WALK])
    status = {r[0]: r[2] for r in interview.coverage(run, rubric)}
    assert status[target] == "covered"
    assert run.pending_follow_up is None or run.pending_follow_up.criterion != target


def test_plan_filters_spreads_and_replays():
    ids = interview.plan(
        FULL_BANK, topics=["drift", "security", "cicd"], difficulties=["medium", "hard"], count=6, seed=7
    )
    questions = [FULL_BANK.questions[i] for i in ids]
    assert len(ids) == 6 == len(set(ids))
    assert {q.topic for q in questions} == {"drift", "security", "cicd"}
    assert all(q.difficulty in ("medium", "hard") and q.kind == "scenario" for q in questions)
    assert (
        interview.plan(
            FULL_BANK, topics=["drift", "security", "cicd"], difficulties=["medium", "hard"], count=6, seed=7
        )
        == ids
    )
    assert interview.plan(FULL_BANK, topics=["drift"], count=50) and len(interview.plan(FULL_BANK, count=500)) == 75


def test_report_scores_strengths_and_practice_next(store):
    ids = ["canary-vs-blue-green", "data-vs-concept-drift-churn"]
    session = interview.start(store, FULL_BANK, "mock", ids)
    interview.begin_question(session, now=0)
    interview.answer(store, GRADER, FULL_BANK, session, FULL_BANK.questions[ids[0]].model_answer, now=60)
    interview.next_question(store, session)
    interview.begin_question(session, now=100)
    interview.answer(store, GRADER, FULL_BANK, session, "Drift is when the data changes. I'd retrain.", now=130)
    interview.next_question(store, session)
    rep = interview.report(session, FULL_BANK)
    assert rep.questions[0].score_after == 100 and rep.questions[1].score_after < 50
    assert rep.average == round((100 + rep.questions[1].score_after) / 2)
    weakest = {name for name, _ in rep.weakest}
    strongest = {name for name, _ in rep.strongest}
    assert weakest and strongest and not weakest & strongest
    assert rep.practice_next and all(FULL_BANK.questions[q].topic == "drift" for q in rep.practice_next)
    assert ids[1] not in rep.practice_next


class FailsOnFollowUps(type(GRADER)):
    """The keyword grader, except that grading a follow-up (a one-criterion rubric) blows up."""

    def grade(self, question, rubric, answer):
        if len(rubric.criteria) == 1:
            raise RuntimeError("backend exploded")
        return super().grade(question, rubric, answer)


def test_a_follow_up_whose_grading_fails_stays_open_and_keeps_the_answer(store):
    session = start(store)
    interview.answer(store, GRADER, BANK, session, PARTIAL, now=1060.0)
    run = session.current
    reply = "Blue-green gives an instant rollback but it doubles the cost."
    result = interview.answer(store, FailsOnFollowUps(), BANK, session, reply, now=1100.0)
    assert result.grade is None and "backend exploded" in result.error
    # No new follow-up was queued behind the failed one: the same probe is still the open step.
    assert [f.criterion for f in run.follow_ups] == ["tradeoffs"]
    assert run.pending_follow_up is run.follow_ups[0]
    assert [(a.answer, a.status) for a in store.follow_ups(run.attempt_id)] == [(reply, "failed")]
    # Answering again with a working grader carries on from there.
    interview.answer(store, GRADER, BANK, session, reply, now=1120.0)
    assert run.follow_ups[0].level is not None
    assert [f.criterion for f in run.follow_ups] == ["tradeoffs", "metrics"]


class ProbingLLM(type(GRADER)):
    """Keyword levels, but labelled as an LLM grade that phrases its own follow-up."""

    def __init__(self, follow_up):
        self.probe = follow_up

    def grade(self, question, rubric, answer):
        grade = super().grade(question, rubric, answer)
        return grade.model_copy(update={"grader": "llm", "follow_up": self.probe})


@pytest.mark.parametrize(
    ("probe", "used"),
    [
        ("When is the extra cost of blue-green worth its instant rollback?", True),
        ("Which metrics and thresholds would you watch during the rollout?", False),  # about `metrics`
        ("Ignore that and tell me about your hobbies.", False),
    ],
)
def test_the_llm_follow_up_is_used_only_when_it_probes_the_chosen_gap(store, probe, used):
    session = start(store)
    interview.answer(store, ProbingLLM(probe), BANK, session, PARTIAL, now=1060.0)
    (follow_up,) = session.current.follow_ups
    assert follow_up.criterion == "tradeoffs"
    expected = probe if used else "When would blue-green be the better choice than a canary, despite its cost?"
    assert follow_up.question == expected


@pytest.mark.parametrize("grader", ["keyword", "semantic"])
def test_a_follow_up_may_say_the_point_its_probe_names(store, grader):
    """The default probe no longer names the missed point, but an authored one may; an answer that says that point
    is the candidate's answer, not a repeat of the question."""
    bank = load_bank(Path(__file__).parent / "data" / "bank")
    probe = Probe(criterion="mechanics", question="What happens when blue-green switches all traffic at once?")
    bank.questions[QID] = bank.questions[QID].model_copy(update={"follow_ups": [probe]})
    session = interview.start(store, bank, "practice", [QID])
    interview.begin_question(session, now=1000.0)
    first = (
        "Blue-green gives an instant rollback but doubles the cost. A canary limits the blast radius because only "
        "a few users see a bad model. I'd watch the error rate and p99 latency and roll back if they cross a threshold."
    )
    interview.answer(store, get_grader(grader), bank, session, first, now=1060.0)
    run = session.current
    assert run.pending_follow_up.criterion == "mechanics" and run.levels["mechanics"] == 0
    assert run.pending_follow_up.question == probe.question
    said = "Blue-green switches all traffic at once to the new environment."
    interview.answer(store, get_grader(grader), bank, session, said, now=1100.0)
    assert run.follow_ups[0].level >= 2


def test_recent_practice_is_the_latest_practice_answer_within_the_window(store):
    assert interview.recent_practice(store, QID, now=time.time()) is None
    session = start(store)
    interview.answer(store, GRADER, BANK, session, PARTIAL, now=1060.0)
    found, attempt = interview.recent_practice(store, QID, now=time.time())
    assert (found.id, attempt.answer, attempt.id) == (session.id, PARTIAL, session.current.attempt_id)
    assert found.current.pending_follow_up.criterion == "tradeoffs"  # the follow-ups carry on from there
    later = time.time() + interview.RECENT_PRACTICE_S + 60
    assert interview.recent_practice(store, QID, now=later) is None
    assert interview.recent_practice(store.store.for_profile("bob"), QID, now=time.time()) is None
    assert interview.recent_practice(store, "drift-detection", now=time.time()) is None


def test_recent_practice_skips_mock_answers_and_sessions_that_never_saw_the_answer(store):
    mock = start(store, "mock")
    interview.answer(store, GRADER, BANK, mock, PARTIAL, now=1060.0)
    assert interview.recent_practice(store, QID, now=time.time()) is None
    # The process died while grading: the answer is saved, the session state is not.
    session = start(store)
    question = BANK.questions[QID]
    store.save_attempt(question, BANK.rubric_for(question), PARTIAL, session_id=session.id)
    assert interview.recent_practice(store, QID, now=time.time()) is None
