"""A history the candidate controls, and scores that agree: the final score after follow-ups is stored beside
the first, progress leaves out excluded answers, an answer can be deleted, readiness per topic."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlite_utils import Database

from interviewer.coaching import interview
from interviewer.coaching.answers import submit
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import progress, scores
from interviewer.history.migrations import migrations
from interviewer.history.store import Store, connect
from interviewer.text import sentences

BANK = load_bank()
GRADER = get_grader("keyword")
SCENARIOS = sorted((q for q in BANK.questions.values() if q.kind == "scenario"), key=lambda q: q.id)


@pytest.fixture
def store():
    return Store(connect(":memory:")).for_profile("default")


def practise_with_follow_up(store, question=None):
    """A thin answer, then the model answer to the follow-up: the final score rises above the first."""
    question = question or SCENARIOS[0]
    session = interview.start(store, BANK, "practice", [question.id])
    thin = " ".join(s.text for s in sentences(question.model_answer)[:2])
    interview.answer(store, GRADER, BANK, session, thin, now=time.time())
    interview.answer(store, GRADER, BANK, session, question.model_answer, now=time.time())
    return session


def test_the_final_score_is_stored_and_equals_the_interviews_own(store):
    session = practise_with_follow_up(store)
    run, rubric = session.runs[0], BANK.rubric_for(BANK.questions[session.runs[0].question_id])
    first, final = interview.weighted_score(rubric, run.initial_levels), interview.weighted_score(rubric, run.levels)
    assert final > first
    (attempt,) = store.attempts()
    assert (attempt.score, attempt.final_score) == (first, final)
    assert store.attempt(attempt.id).final_score == final
    # Progress counts the final score, as the Practice page and the mock report do.
    assert [m.mastery for m in store.topic_mastery()] == [final]
    assert [d.score for d in store.scores_by_day()] == [final]
    assert [s.score for s in store.score_history()] == [final]


def test_an_answer_without_follow_ups_has_the_same_first_and_final_score(store):
    q = SCENARIOS[1]
    result = submit(store, GRADER, q, BANK.rubric_for(q), q.model_answer)
    attempt = store.attempt(result.attempt_id)
    assert attempt.final_score == attempt.score == result.grade.score


def test_score_labels_are_the_same_everywhere():
    assert scores.label(62, 81) == "62 → 81 after follow-ups"
    assert scores.label(62, 62) == scores.label(62, None) == "62"
    assert scores.label(None, None) == "not graded"
    assert scores.short(62, 81) == "62 → 81" and scores.short(None, None, missing="pending") == "pending"


def test_excluded_answers_leave_progress_but_stay_in_history(store):
    practise_with_follow_up(store)
    junk = SCENARIOS[2]
    result = submit(store, GRADER, junk, BANK.rubric_for(junk), "asdf test test")
    store.set_excluded(result.attempt_id)
    assert len(store.attempts()) == 2 and store.attempt(result.attempt_id).excluded
    assert {s.question_id for s in store.score_history()} == {SCENARIOS[0].id}
    assert {m.topic for m in store.topic_mastery()} == {SCENARIOS[0].topic}
    assert all(r.topic == SCENARIOS[0].topic for r in store.criterion_levels())
    assert sum(d.attempts for d in store.scores_by_day()) == 1
    recommended = dict(progress.recommendations(store, BANK, limit=50))
    assert junk.id not in recommended or "due for review" not in recommended[junk.id]
    store.set_excluded(result.attempt_id, False)  # undo
    assert {s.question_id for s in store.score_history()} == {SCENARIOS[0].id, junk.id}


def test_delete_removes_the_answer_its_follow_ups_and_their_grades(store):
    practise_with_follow_up(store)
    (attempt,) = store.attempts()
    assert store.follow_ups(attempt.id)
    assert store.delete_attempt(attempt.id) == 2
    assert store.attempts() == [] and store.attempt(attempt.id) is None
    for table in ("attempts", "grades", "criterion_grades"):
        assert store.db[table].count == 0
    assert store.topic_mastery() == [] and store.criterion_levels() == []


def test_another_profiles_attempt_cannot_be_deleted_or_excluded(store):
    q = SCENARIOS[0]
    theirs = submit(store.store.for_profile("ada"), GRADER, q, BANK.rubric_for(q), q.model_answer).attempt_id
    with pytest.raises(LookupError):
        store.delete_attempt(theirs)
    with pytest.raises(LookupError):
        store.set_excluded(theirs)
    assert store.store.for_profile("ada").attempt(theirs) is not None


def test_migration_backfills_the_final_score_of_older_answers(tmp_path):
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m006_final_scores_and_exclusion")
    assert "final_score" not in old["attempts"].columns_dict
    old_store = Store(old).for_profile("default")
    # The old store code wrote no final score: write what it wrote, by hand.
    session = interview.start(old_store, BANK, "practice", [SCENARIOS[0].id])
    q = SCENARIOS[0]
    thin = " ".join(s.text for s in sentences(q.model_answer)[:2])
    grade = GRADER.grade(q, BANK.rubric_for(q), thin)
    main = (
        old["attempts"]
        .insert(
            {
                "profile_id": 1,
                "session_id": session.id,
                "question_id": q.id,
                "topic": q.topic,
                "answer": thin,
                "status": "graded",
                "created_at": "2026-01-01T00:00:00+00:00",
            }
        )
        .last_pk
    )
    _old_grade(old, main, grade)
    target = min(grade.criteria, key=lambda c: c.level)
    reply = (
        old["attempts"]
        .insert(
            {
                "profile_id": 1,
                "question_id": q.id,
                "answer": "more",
                "status": "graded",
                "parent_id": main,
                "criterion_id": target.id,
                "created_at": "2026-01-01T00:01:00+00:00",
            }
        )
        .last_pk
    )
    _old_grade(old, reply, grade.model_copy(update={"criteria": [target.model_copy(update={"level": 4})]}))
    old.close()

    store = Store.open(path).for_profile("default")
    (attempt,) = store.attempts()
    expected = scores.final_score([(c.id, c.level, c.weight) for c in grade.criteria], {target.id: 4})
    assert attempt.score == grade.score and attempt.final_score == expected > grade.score
    assert not attempt.excluded


def _old_grade(db, attempt_id, grade):
    grade_id = (
        db["grades"]
        .insert(
            {
                "attempt_id": attempt_id,
                "grader": grade.grader,
                "score": grade.score,
                "grade_json": grade.model_dump_json(),
                "created_at": "2026-01-01",
            }
        )
        .last_pk
    )
    db["criterion_grades"].insert_all(
        {"grade_id": grade_id, "criterion_id": c.id, "name": c.name, "level": c.level, "weight": c.weight}
        for c in grade.criteria
    )


def test_readiness_per_topic_strong_practise_and_not_tried(store):
    now = datetime.now(UTC)
    strong, weak = SCENARIOS[0], next(q for q in SCENARIOS if q.topic != SCENARIOS[0].topic)
    for q, text in [(strong, strong.model_answer), (weak, "I would deploy it.")]:
        attempt_id = submit(store, GRADER, q, BANK.rubric_for(q), text).attempt_id
        when = (now - timedelta(days=3)).isoformat(timespec="milliseconds")
        store.db["attempts"].update(attempt_id, {"created_at": when})
    rows = {r.topic: r for r in progress.readiness(store, BANK, now=now)}
    assert set(rows) == {q.topic for q in BANK.questions.values()}
    assert rows[strong.topic].status == "strong" and rows[strong.topic].days_since == 3
    assert rows[weak.topic].status == "practise"
    untried = next(t for t in rows if t not in (strong.topic, weak.topic))
    assert rows[untried].status == "not tried" and rows[untried].days_since is None
    assert rows[untried].total == sum(q.topic == untried for q in BANK.questions.values())
