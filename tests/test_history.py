"""History over time: spaced repetition, progress queries, filters, profiles, export and import."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from interviewer.coaching.answers import submit
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import export, progress, schedule
from interviewer.history.store import Store, connect

BANK = load_bank()
GRADER = get_grader("keyword")
T0 = datetime(2026, 1, 1, 9, tzinfo=UTC)


def at(days: float) -> str:
    return (T0 + timedelta(days=days)).isoformat()


def test_leitner_boxes_promote_demote_and_schedule():
    history = [("q", at(0), 85), ("q", at(1), 90), ("q", at(4), 60)]
    card = schedule.cards(history)["q"]
    assert (card.box, card.last_score, card.attempts) == (3, 60, 3)  # 85 and 90 promote; 60 holds
    assert card.due == T0 + timedelta(days=4 + schedule.INTERVAL_DAYS[3])
    card = schedule.cards([*history, ("q", at(5), 30)])["q"]
    assert card.box == 1 and card.due == T0 + timedelta(days=6)  # a low score sends it back to box 1
    top = schedule.cards([("q", at(i), 100) for i in range(10)])["q"]
    assert top.box == schedule.TOP_BOX


def test_recommend_due_first_then_unseen_from_weak_topics_then_lowest():
    topics = {"a": "drift", "b": "drift", "c": "security", "d": "security", "e": "cicd"}
    history = [("a", at(0), 40), ("c", at(0), 95), ("c", at(1), 95)]
    recs = schedule.recommend(history, topics, now=T0 + timedelta(days=2), limit=5)
    ids = [q for q, _ in recs]
    assert ids[0] == "a" and recs[0][1].startswith("due for review (box 1")
    # unseen: b is in the weakest topic (drift, 40); e's topic is untried (50); d's topic is strong (95)
    assert ids[1:4] == ["b", "e", "d"] and ids[4] == "c"
    assert schedule.recommend(history, topics, now=T0 + timedelta(days=2), limit=2) == recs[:2]


@pytest.fixture
def store():
    return Store(connect(":memory:"))


def seed(store: Store, profile: str, items: list[tuple[str, int, str]]) -> None:
    """items: (question id, how much of its model answer to use, 0-100 %, ISO time)."""
    for qid, share, when in items:
        q = BANK.questions[qid]
        words = q.model_answer.split()
        text = " ".join(words[: max(3, len(words) * share // 100)])
        result = submit(store.for_profile(profile), GRADER, q, BANK.rubric_for(q), text)
        store.db["attempts"].update(result.attempt_id, {"created_at": when})


def test_profiles_filters_and_progress(store):
    seed(
        store,
        "ada",
        [
            ("canary-vs-blue-green", 100, at(0)),
            ("canary-vs-blue-green", 30, at(1)),
            ("data-vs-concept-drift-churn", 100, at(2)),
        ],
    )
    seed(store, "bob", [("untrusted-joblib-model-file", 100, at(0))])
    assert store.profiles() == ["ada", "bob"]
    assert [a.question_id for a in store.for_profile("bob").attempts()] == ["untrusted-joblib-model-file"]
    assert [a.created_at for a in store.for_profile("ada").attempts(topic="release-strategies")] == [at(1), at(0)]
    assert [a.created_at for a in store.for_profile("ada").attempts(since="2026-01-02", until="2026-01-02")] == [at(1)]
    assert (
        store.for_profile("ada").attempts(grader="llm") == []
        and len(store.for_profile("ada").attempts(grader="keyword")) == 3
    )
    assert store.for_profile("ada").count_filtered(topic="drift") == 1
    latest = store.for_profile("ada").attempts(question_id="canary-vs-blue-green")[0]
    assert store.for_profile("ada").previous_attempt(latest).created_at == at(0)
    days = store.for_profile("ada").scores_by_day()
    assert [d.day for d in days] == ["2026-01-01", "2026-01-02", "2026-01-03"] and days[0].score == 100
    mastery = {m.topic: m for m in store.for_profile("ada").topic_mastery()}
    assert mastery["drift"].mastery == 100 and mastery["release-strategies"].mastery < 100  # latest counts
    weak = progress.weak_spots(store.for_profile("ada"), BANK, limit=1)[0]
    assert weak["topic"] == "release-strategies" and "canary-vs-blue-green" in weak["questions"]
    recs = progress.recommendations(store.for_profile("ada"), BANK, now=T0 + timedelta(days=3))
    assert recs[0][0] == "canary-vs-blue-green"  # failed a day ago: due again


def test_export_import_round_trip(store, tmp_path):
    seed(store, "ada", [("canary-vs-blue-green", 60, at(0)), ("data-vs-concept-drift-churn", 100, at(1))])
    store.db["attempts"].update(1, {"delivery_json": json.dumps({"wpm": 150.0, "fillers": {"um": 2}})})
    first = json.loads(export.to_json(store.for_profile("ada")))
    empty = Store(connect(":memory:"))
    assert export.import_json(empty, json.dumps(first), "ada") == 2
    again = json.loads(export.to_json(empty.for_profile("ada")))
    first.pop("exported_at"), again.pop("exported_at")
    assert again == first
    assert first["attempts"][0]["delivery"] == {"wpm": 150.0, "fillers": {"um": 2}}
    csv_text = export.to_csv(empty.for_profile("ada"))
    assert csv_text.splitlines()[0].startswith("created_at,profile,question_id")
    assert len(csv_text.splitlines()) == 3
    md = export.to_markdown(empty.for_profile("ada"), BANK)
    assert md.startswith("# Interview practice report: ada") and "Canary or blue-green" in md


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda d: d | {"format": "other"}, "format: Input should be 'interviewer-history'"),
        (lambda d: {**d, "attempts": [{**d["attempts"][0], "answer": None}]}, "attempts.0.answer"),
        (lambda d: {**d, "attempts": d["attempts"] + ["junk"]}, "attempts.1"),
    ],
)
def test_malformed_import_changes_nothing(store, mangle, message):
    seed(store, "ada", [("canary-vs-blue-green", 60, at(0))])
    data = json.loads(export.to_json(store.for_profile("ada")))
    before = store.db["attempts"].count
    with pytest.raises(export.HistoryImportError, match=message.replace(".", r"\.").replace("(", r"\(")):
        export.import_json(store, json.dumps(mangle(data)), "ada")
    with pytest.raises(export.HistoryImportError, match="Invalid JSON"):
        export.import_json(store, "{not json", "ada")
    assert store.db["attempts"].count == before


def test_failed_insert_rolls_back_the_whole_import(store):
    seed(store, "ada", [("canary-vs-blue-green", 60, at(0)), ("canary-vs-blue-green", 90, at(1))])
    data = json.loads(export.to_json(store.for_profile("ada")))
    data["attempts"][1]["grade"]["criteria"][0]["weight"] = -1  # passes nothing: weights must be positive
    with pytest.raises(export.HistoryImportError):
        export.import_json(store, json.dumps(data), profile="carol")
    assert "carol" not in store.profiles()


def test_follow_ups_keep_their_source_and_delivery_through_export_and_import(store):
    q = BANK.questions["canary-vs-blue-green"]
    rubric = BANK.rubric_for(q)
    ada = store.for_profile("ada")
    main = submit(ada, GRADER, q, rubric, q.model_answer)
    sub = rubric.model_copy(update={"criteria": rubric.criteria[:1]})
    delivery = {"wpm": 171.0, "fillers": {"like": 3}}
    follow_up = "A canary sends 5% of traffic first."
    criterion = sub.criteria[0].id
    submit(
        ada,
        GRADER,
        q,
        sub,
        follow_up,
        parent_id=main.attempt_id,
        criterion_id=criterion,
        source="voice",
        delivery=delivery,
    )
    data = json.loads(export.to_json(store.for_profile("ada")))
    (follow_up,) = data["attempts"][0]["follow_ups"]
    assert (follow_up["source"], follow_up["delivery"]) == ("voice", delivery)
    empty = Store(connect(":memory:"))
    export.import_json(empty, json.dumps(data), "ada")
    (imported,) = empty.for_profile("ada").follow_ups(empty.for_profile("ada").attempts()[0].id)
    assert (imported.source, imported.delivery) == ("voice", delivery)


def test_imported_timestamps_are_stored_as_utc_and_bad_ones_refused(store):
    seed(store, "ada", [("canary-vs-blue-green", 60, at(0)), ("data-vs-concept-drift-churn", 60, at(1))])
    data = json.loads(export.to_json(store.for_profile("ada")))
    data["attempts"][0]["created_at"] = "2026-01-01T09:00:00"  # naive: taken as UTC
    data["attempts"][1]["created_at"] = "2026-01-02T11:00:00+02:00"
    empty = Store(connect(":memory:"))
    export.import_json(empty, json.dumps(data), "ada")
    assert sorted(a.created_at for a in empty.for_profile("ada").attempts()) == [
        "2026-01-01T09:00:00.000+00:00",
        "2026-01-02T09:00:00.000+00:00",
    ]
    # The scheduler does date arithmetic on these; mixed naive and aware values used to crash it.
    assert progress.recommendations(empty.for_profile("ada"), BANK, now=T0 + timedelta(days=3))
    data["attempts"][1]["created_at"] = "yesterday"
    with pytest.raises(export.HistoryImportError, match=r"attempts\.1\.created_at: .*'yesterday' is not an ISO 8601"):
        export.import_json(empty, json.dumps(data), "ada")


def test_weakness_map_counts_the_best_level_a_follow_up_reached(store):
    q = BANK.questions["canary-vs-blue-green"]
    rubric = BANK.rubric_for(q)
    main = submit(store.for_profile("ada"), GRADER, q, rubric, "I'd use a canary: 5% of traffic first.")
    levels = {c.id: c.level for c in main.grade.criteria}
    probed = min(levels, key=levels.get)
    other = next(c for c in levels if c != probed)
    sub = rubric.model_copy(update={"criteria": [rubric.criterion(probed)]})
    ada = store.for_profile("ada")
    follow = submit(ada, GRADER, q, sub, q.model_answer, parent_id=main.attempt_id, criterion_id=probed)
    lifted = follow.grade.criteria[0].level
    assert lifted > levels[probed]
    # A follow-up that went worse never lowers what the answer showed.
    submit(store.for_profile("ada"), GRADER, q, sub, "No idea.", parent_id=main.attempt_id, criterion_id=probed)
    submit(store.for_profile("ada"), GRADER, q, rubric, "A canary.")  # a second answer, no follow-ups
    second = {c.id: c.level for c in store.for_profile("ada").attempts()[0].grade.criteria}
    rows = {r.criterion_id: r for r in store.for_profile("ada").criterion_levels()}
    assert rows[probed].level == round((lifted + second[probed]) / 2, 2) and rows[probed].n == 2
    assert rows[other].level == round((levels[other] + second[other]) / 2, 2)  # only the probed one moves


def test_graders_lists_those_that_graded_this_profiles_answers(store):
    seed(store, "ada", [("canary-vs-blue-green", 60, at(0))])
    seed(store, "bob", [("canary-vs-blue-green", 60, at(0))])
    store.db.execute("UPDATE grades SET grader = 'semantic' WHERE id = 2")
    assert store.for_profile("ada").graders() == ["keyword"] and store.for_profile("bob").graders() == ["semantic"]
