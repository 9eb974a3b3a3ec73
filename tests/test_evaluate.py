"""`interviewer eval`: agreement metrics, CSV errors naming the row, drafted rubrics, the JSON contract."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from interviewer.cli import main
from interviewer.content.bank import load_paths
from interviewer.graders import agreement, choose, evaluate, get_grader

CSV = (
    "question,reference_answer,student_answer,score\n"
    "What is a canary release?,Send a small share of live traffic to the new model first.,"
    "We send a small share of live traffic to the new model first.,5\n"
    "What is a canary release?,Send a small share of live traffic to the new model first.,"
    "Some traffic goes to the new model.,3\n"
    "What is a canary release?,Send a small share of live traffic to the new model first.,I don't know.,0\n"
    "What is data drift?,The input distribution changes compared with the training data.,"
    "The distribution of inputs changes relative to training data.,4.5\n"
    "What is data drift?,The input distribution changes compared with the training data.,The model is old.,1\n"
)


def test_metrics_on_known_values():
    assert agreement.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1)
    assert agreement.spearman([1, 2, 3, 4], [10, 20, 20, 40]) == pytest.approx(0.9487, abs=1e-4)
    assert agreement.rmse([1, 2], [1, 4]) == pytest.approx(math.sqrt(2))
    assert agreement.qwk([0, 2.5, 5], [0, 2.5, 5], 5) == pytest.approx(1)
    assert agreement.qwk([0, 0, 5, 5], [5, 5, 0, 0], 5) < 0
    assert math.isnan(agreement.pearson([1, 1, 1], [1, 2, 3]))


def test_evaluate_orders_answers_like_the_humans(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(CSV)
    report = evaluate.evaluate(evaluate.read_csv(path), get_grader("keyword"), concurrency=2)
    assert report.n == 5 and report.pearson > 0.8
    assert [q["n"] for q in report.per_question] == [3, 2]
    assert report.worst[0]["row"] in range(2, 7)


def test_drafted_rubric_leaves_out_question_words_and_validates(tmp_path):
    rubric = evaluate.draft_rubric(
        "A canary sends a small share of live traffic to the new model.", question="What does a canary do?"
    )
    points = [p.keywords[0][0] for p in rubric.criteria[0].must_have]
    assert "canary" not in points and "small" in points and "traff*" in points and "the" not in points
    (tmp_path / "r.yaml").write_text(evaluate.draft_yaml("Send a small share of traffic first. Then ramp up.", "d"))
    bank = load_paths([tmp_path])
    assert bank.problems == [] and [c.id for c in bank.rubrics["d"].criteria] == ["point-1", "point-2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("question,reference_answer,student_answer\nq,r,a\n", "missing column(s) ['score']"),
        ("question,reference_answer,student_answer,score\nq,r,a,5\nq,r,a,lots\n", ":3: score: 'lots' is not a number"),
        ("question,reference_answer,student_answer,score\nq,r,a,9\n", ":2: score: 9 is outside 0-5"),
        ("question,reference_answer,student_answer,score\nq,r\n", ":2: wrong number of fields"),
        ("question,reference_answer,student_answer,score\n", "no rows"),
    ],
)
def test_malformed_csv_names_the_row(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(evaluate.EvalError) as err:
        evaluate.read_csv(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_cli_eval_json_and_rubric_draft(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text(CSV.replace("score", "grade"))
    assert main(["eval", "--data", str(data), "--grader", "keyword", "--score-col", "grade", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"n", "pearson", "spearman", "rmse", "qwk", "per_question"} <= set(out) and out["n"] == 5
    assert main(["eval", "--data", str(data)]) == 1
    assert "missing column(s) ['score']" in capsys.readouterr().err
    answer = tmp_path / "a.txt"
    answer.write_text("We shadow the new model first. Then a canary with 5% of traffic.")
    assert main(["rubric", "draft", "--answer-file", str(answer), "--id", "mine"]) == 0
    drafted = yaml.safe_load(capsys.readouterr().out)
    assert drafted["rubrics"][0]["id"] == "mine" and len(drafted["rubrics"][0]["criteria"]) == 2


def test_shipped_agreement_is_what_make_bench_last_measured():
    figures = agreement.measured()
    results = json.loads((Path(__file__).parent.parent / "benchmarks" / "results.json").read_text())
    for run in (results["eval_asag_dev"], results["eval_asag_dev_semantic"]):
        assert figures.graders[run["grader"]].model_dump() == {k: run[k] for k in agreement.Agreement.model_fields}
    assert figures.human_pearson == 0.605  # the data's README: the two humans agree at r = 0.605


def test_auto_picks_the_offline_grader_that_agrees_best(tmp_path, monkeypatch):
    from interviewer.config import load_settings

    measured = agreement.measured()
    assert measured.graders["semantic"].pearson > measured.graders["keyword"].pearson
    assert choose(load_settings({})) == "semantic"
    flipped = measured.model_copy(deep=True)
    flipped.graders["keyword"].pearson = 0.9
    path = tmp_path / "agreement.json"
    path.write_text(flipped.model_dump_json(), encoding="utf-8")
    monkeypatch.setattr(agreement, "MEASURED", path)
    assert choose(load_settings({})) == "keyword"
    path.write_text("{not json", encoding="utf-8")  # nothing measured: the grader that needs nothing
    assert agreement.measured() is None and choose(load_settings({})) == "keyword"
