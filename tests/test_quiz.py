"""Quiz rounds and the glossary: bank rules, round composition, scoring, time limits, replay, links."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from interviewer.cli import main
from interviewer.coaching import quiz
from interviewer.content.bank import load_bank, load_paths

BANK = load_bank()
T0 = datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_quiz_bank_and_glossary_are_complete_and_valid():
    assert [str(p) for p in BANK.problems] == []
    assert len(BANK.quiz) >= 60 and len(BANK.glossary) >= 50
    for q in BANK.quiz.values():
        assert sum(o.correct for o in q.options) == 1 and 4 <= len(q.options) <= 5
        assert len({o.text for o in q.options}) == len(q.options)
        assert all(o.why.strip() for o in q.options)
    assert set(Counter(q.difficulty for q in BANK.quiz.values())) == {"easy", "medium", "hard"}
    for name in ["canary", "PSI", "ONNX", "KServe", "SLO", "quantization", "model registry", "feature store"]:
        assert BANK.term(name) is not None, name


def test_glossary_links_resolve():
    for t in BANK.glossary.values():
        assert all(BANK.term(r) for r in t.related), t.term
    for q in BANK.quiz.values():
        assert all(BANK.term(name) for name in q.terms), q.id


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("correct: true", "exactly one option must be correct (found 2)"),
        ("dupe", "options must not repeat"),
    ],
)
def test_quiz_validation_errors_have_lines(tmp_path, bad, message):
    second = "      - {text: B, correct: true, why: b}\n" if bad == "correct: true" else "      - {text: A, why: a}\n"
    (tmp_path / "q.yaml").write_text(
        "quiz:\n  - id: quiz-x\n    topic: drift\n    difficulty: easy\n    question: Q?\n    options:\n"
        "      - {text: A, correct: true, why: a}\n" + second + "      - {text: C, why: c}\n      - {text: D, why: d}\n"
    )
    (problem,) = load_paths([tmp_path]).problems
    assert str(problem) == f"{tmp_path / 'q.yaml'}:2: quiz[0]: {message}"


def test_round_respects_count_topics_and_difficulty_mix():
    rnd = quiz.compose(BANK, count=15, seed=3, now=T0)
    levels = Counter(BANK.quiz[i.quiz_id].difficulty for i in rnd.items)
    assert levels == {"easy": 5, "medium": 6, "hard": 4} and len({i.quiz_id for i in rnd.items}) == 15
    topics = ["drift", "security"]
    rnd = quiz.compose(BANK, count=6, topics=topics, mix={"easy": 1, "medium": 1, "hard": 0}, seed=3, now=T0)
    assert {BANK.quiz[i.quiz_id].topic for i in rnd.items} <= set(topics)
    assert Counter(BANK.quiz[i.quiz_id].difficulty for i in rnd.items) == {"easy": 3, "medium": 3}
    assert quiz.scaled_mix(10) == {"easy": 3, "medium": 4, "hard": 3}
    with pytest.raises(quiz.QuizError, match="only"):
        quiz.compose(BANK, count=500, now=T0)


def test_same_seed_replays_the_same_round():
    a = quiz.compose(BANK, count=15, seed=42, now=T0)
    b = quiz.compose(BANK, count=15, seed=42, now=T0 + timedelta(days=1))
    assert a.items == b.items
    assert quiz.compose(BANK, count=15, seed=43, now=T0).items != a.items
    assert any(i.order != sorted(i.order) for i in a.items)  # options are shuffled


def correct_choice(item: quiz.Item) -> int:
    q = BANK.quiz[item.quiz_id]
    return next(k for k, j in enumerate(item.order) if q.options[j].correct)


def test_scoring_per_topic_and_missed_explanations():
    rnd = quiz.compose(BANK, count=5, minutes=5, seed=9, now=T0)
    quiz.answer(rnd, 0, correct_choice(rnd.items[0]), T0 + timedelta(seconds=30))
    wrong = (correct_choice(rnd.items[1]) + 1) % len(rnd.items[1].order)
    quiz.answer(rnd, 1, wrong, T0 + timedelta(seconds=60))
    result = quiz.finish(rnd, BANK, T0 + timedelta(minutes=3))
    assert (result.correct, result.total, result.late, result.over_time) == (1, 5, 0, False)
    assert result.time_used_s == 180 and result.percent == 20
    assert sum(n for _, n in result.per_topic.values()) == 5
    first_missed = result.missed[0]
    q = BANK.quiz[rnd.items[1].quiz_id]
    assert first_missed.quiz_id == q.id and first_missed.why_chosen_is_wrong
    assert first_missed.correct == next(o.text for o in q.options if o.correct)
    assert [m.chosen for m in result.missed[1:]] == [None, None, None]
    # The right answer can be reviewed too, with why it is right.
    (right,) = result.right
    first = BANK.quiz[rnd.items[0].quiz_id]
    assert right.quiz_id == first.id and right.chosen == right.correct and right.why_correct


def test_answers_after_the_time_limit_are_shown_not_counted():
    rnd = quiz.compose(BANK, count=3, minutes=1, seed=1, now=T0)
    quiz.answer(rnd, 0, correct_choice(rnd.items[0]), T0 + timedelta(seconds=50))
    quiz.answer(rnd, 1, correct_choice(rnd.items[1]), T0 + timedelta(seconds=75))
    result = quiz.finish(rnd, BANK, T0 + timedelta(seconds=80))
    assert (result.correct, result.late, result.over_time) == (1, 1, True)
    assert result.missed[0].late is True


def test_glossary_look_up_and_term_links():
    assert quiz.look_up(BANK, "psi")[0] is BANK.term("PSI")
    assert quiz.look_up(BANK, "canery")  # a close spelling still finds it
    assert quiz.look_up(BANK, "zzzz-nothing") == []
    found = quiz.terms_in(BANK, "Did not define a rollback threshold for the canary release")
    assert BANK.term("canary release") in found


def test_cli_quiz_round_from_stdin_and_glossary(capsys, monkeypatch):
    import io

    rnd = quiz.compose(BANK, count=3, minutes=20, seed=5, now=T0)
    letters = "".join(chr(65 + correct_choice(i)) + "\n" for i in rnd.items)
    monkeypatch.setattr("sys.stdin", io.StringIO(letters))
    assert main(["quiz", "--count", "3", "--seed", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["correct"], data["total"], data["percent"], data["seed"]) == (3, 3, 100, 5)
    assert main(["glossary", "canary"]) == 0
    assert capsys.readouterr().out.startswith("canary release")
    assert main(["glossary", "zzzz"]) == 1


def test_cli_quiz_is_saved_to_history(monkeypatch, capsys, isolated_env):
    import io

    from interviewer.history.store import Store

    monkeypatch.setattr("sys.stdin", io.StringIO("A\nB\n"))
    assert main(["quiz", "--count", "2", "--seed", "8"]) == 0
    (row,) = Store.open(isolated_env / "history.db").for_profile("default").quiz_rounds()
    assert (row.questions, row.seed) == (2, 8)
    assert "Score:" in capsys.readouterr().out
