"""CLI contracts: exit codes, one-line errors, and the Grade JSON keys other work depends on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from interviewer.cli import main

from .conftest import ROOT

GRADE_KEYS = {"question_id", "score", "grader", "model", "fallback_reason", "criteria", "summary", "follow_up"}
CRITERION_KEYS = {"id", "level", "weight", "evidence", "missed"}
QID = "canary-vs-blue-green"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys):
    code, out, err = run(capsys, "validate", str(ROOT / "tests" / "data" / "bank"))
    assert (code, out) == (0, "") and err.startswith("ok: ")


def test_validate_reports_each_problem_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("questions:\n  - id: x\n    difficulty: impossible\n")
    code, out, _ = run(capsys, "validate", str(bad))
    lines = out.splitlines()
    assert code == 1
    assert f"{bad}:3: questions[0].difficulty: Input should be 'easy', 'medium' or 'hard'" in lines
    assert f"{bad}:2: questions[0].title: Field required" in lines
    assert all(line.startswith(f"{bad}:") for line in lines)


def test_validate_missing_path(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and err.strip() == f"error: no such file or folder: {tmp_path / 'nope.yaml'}"


def test_list_json_and_topic_filter(capsys):
    code, out, _ = run(capsys, "list", "--topic", "release-strategies", "--json")
    data = json.loads(out)
    assert code == 0 and QID in [q["id"] for q in data]
    assert {q["topic"] for q in data} == {"release-strategies"}
    assert run(capsys, "list", "--topic", "nope")[0] == 1


def test_grade_json_contract(capsys):
    code, out, _ = run(capsys, "grade", QID, "--answer", "A canary: 5% of traffic first, then ramp up.", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) >= GRADE_KEYS
    assert data["grader"] == "keyword" and 0 < data["score"] < 100
    for c in data["criteria"]:
        assert set(c) >= CRITERION_KEYS and 0 <= c["level"] <= 4
        assert all(set(e) >= {"quote", "verified"} for e in c["evidence"])


def test_grade_shows_the_sentence_behind_a_wrong_claim_and_why(capsys):
    said = "A canary sends all traffic at once to the new model."
    code, out, _ = run(capsys, "grade", QID, "--answer", f"Blue-green has two environments. {said}")
    assert code == 0
    assert f'! wrong: A canary sends all traffic to the new model at once. You said: "{said}"' in out
    assert "blue-green" in out.split("! wrong:")[1].lower()  # the why: that is what blue-green does


def test_grade_save_then_history(capsys, tmp_path):
    answer = tmp_path / "answer.txt"
    answer.write_text("Blue-green: two environments, and the load balancer switches all traffic at once.")
    assert run(capsys, "grade", QID, "--answer-file", str(answer), "--save", "--profile", "ada")[0] == 0
    code, out, _ = run(capsys, "history", "--profile", "ada", "--json")
    (attempt,) = json.loads(out)
    assert code == 0 and attempt["question_id"] == QID and attempt["status"] == "graded"
    assert attempt["score"] == attempt["grade"]["score"] > 0
    assert json.loads(run(capsys, "history", "--json")[1]) == []  # the default profile has none


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grade", "nope", "--answer", "x"], "error: no question with id 'nope' (see `interviewer list`)"),
        (["grade", QID, "--answer", "   "], "error: The answer is empty: write or say something first."),
        (
            ["grade", QID, "--answer-file", "/nonexistent/a.txt"],
            "error: cannot read answer file /nonexistent/a.txt: No such file or directory",
        ),
        (
            ["grade", QID, "--answer", "x", "--grader", "nope"],
            "error: unknown grader 'nope'; available: keyword, llm, semantic",
        ),
    ],
)
def test_errors_are_one_line_without_traceback(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert (code, out, err.strip()) == (1, "", message)


def test_console_entry_reads_stdin(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "INTERVIEWER_DB": str(tmp_path / "h.db"), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "interviewer", "grade", QID, "-", "--json"],
        input="We use a canary with 5% of traffic.",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["question_id"] == QID


def test_export_and_import_through_the_cli(capsys, tmp_path, monkeypatch):
    assert run(capsys, "grade", QID, "--answer", "A canary with 5% of traffic.", "--save", "--profile", "ada")[0] == 0
    out = tmp_path / "ada.json"
    assert run(capsys, "export", "--format", "json", "--profile", "ada", "-o", str(out))[0] == 0
    code, md, _ = run(capsys, "export", "--format", "md", "--profile", "ada")
    assert code == 0 and md.startswith("# Interview practice report: ada")
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "other.db"))
    code, _, err = run(capsys, "import", str(out), "--profile", "ada")
    assert (code, err.strip()) == (0, "imported 1 attempt(s) into profile 'ada'")
    (attempt,) = json.loads(run(capsys, "history", "--profile", "ada", "--json")[1])
    assert attempt["answer"] == "A canary with 5% of traffic." and attempt["status"] == "graded"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "interviewer-history", "version": 1, "profile": "x", "attempts": [{"answer": 1}]}')
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1 and err.startswith("error: attempts.0.answer: Input should be a valid string")
