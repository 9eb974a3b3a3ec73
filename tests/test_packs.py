"""Question packs: import/export round trip, broken packs installing nothing, replace, remove, build, CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.content import packs
from interviewer.content.bank import load_bank

from .conftest import QUESTION, ROOT, RUBRIC

HEADER = "pack:\n  name: team\n  title: Team week 3\n  version: 1\n  author: Ada\n"
OWN = RUBRIC.replace("id: r1", "id: team-r1") + QUESTION.replace("q1", "team-q1").replace("r1", "team-r1").replace(
    "release-strategies", "team-topic"
)
SAMPLE = ROOT / "examples" / "packs" / "bootcamp-sample.yaml"


@pytest.fixture
def packs_dir() -> Path:
    return Path(os.environ["INTERVIEWER_PACKS"])


def write(tmp_path: Path, text: str, name: str = "team.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_export_round_trip(tmp_path, packs_dir):
    source = write(tmp_path, HEADER + OWN)
    result = packs.import_pack(source, packs_dir)
    assert result.message == f"installed pack 'team' v1 (1 question(s)) as {packs_dir / 'team.yaml'}"
    assert (packs_dir / "team.yaml").read_text() == source.read_text()  # the author's file, comments and all
    (listed,) = packs.list_packs(packs_dir)
    assert (listed.name, listed.title, listed.version, listed.author, listed.questions) == (
        "team",
        "Team week 3",
        1,
        "Ada",
        1,
    )
    assert listed.problems == []

    exported = packs.export_pack("team", packs_dir)
    again = write(tmp_path, exported, "exported.yaml")
    assert packs.read_pack(again) == packs.read_pack(source)  # same header, rubrics and questions
    other = tmp_path / "other-packs"
    packs.import_pack(again, other)
    assert packs.export_pack("team", other) == exported
    bank = load_bank(packs=other)
    assert bank.pack("team-q1").title == "Team week 3" and bank.questions["team-q1"].topic == "team-topic"


def test_sample_pack_round_trips_with_quiz_free_sections(tmp_path, packs_dir):
    packs.import_pack(SAMPLE, packs_dir)
    content = packs.read_pack(SAMPLE)
    exported = write(tmp_path, packs.export_pack("bootcamp-sample", packs_dir), "x.yaml")
    assert packs.read_pack(exported) == content
    assert "keywords:\n" in exported.read_text() and "- [" in exported.read_text()  # groups stay one per line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEADER + OWN.replace("topic: team-topic", "topic: [team-topic"),
            ["team.yaml:25: yaml: while parsing a flow sequence (line 24) did not find expected ',' or ']'"],
        ),
        (
            HEADER + OWN.replace("    difficulty: easy\n", ""),
            ["team.yaml:21: questions[0].difficulty: Field required"],
        ),
        (
            HEADER + RUBRIC.replace("id: r1", "id: canary-vs-blue-green") + QUESTION.replace("r1", "team-r1"),
            [
                "team.yaml:7: rubrics[0].id: duplicate rubric id 'canary-vs-blue-green' (first defined at ",
                "team.yaml:26: questions[0].rubric: rubric 'team-r1' does not exist",
            ],
        ),
        (OWN, ["team.yaml:1: pack: no 'pack:' header (a pack needs at least a name)"]),
        (
            "pack:\n  name: Team Pack\n  version: 0\n" + OWN,
            [
                "team.yaml:2: pack.name: String should match pattern '^[a-z0-9][a-z0-9_-]*$'",
                "team.yaml:3: pack.version: Input should be greater than or equal to 1",
            ],
        ),
        (
            HEADER
            + OWN.replace("difficulty: easy", "difficulty: superhard")
            .replace("    model_answer: A canary with a small share of traffic.\n", "")
            .replace("rubric: team-r1", "rubric: nope"),
            [
                "team.yaml:25: questions[0].difficulty: Input should be 'easy', 'medium' or 'hard'",
                "team.yaml:21: questions[0].model_answer: Field required",
                "team.yaml:26: questions[0].rubric: rubric 'nope' does not exist",
            ],
        ),
    ],
    ids=["yaml-syntax", "missing-field", "builtin-clash", "no-header", "bad-header", "schema-and-missing-rubric"],
)
def test_broken_pack_lists_every_problem_and_installs_nothing(tmp_path, packs_dir, text, expected):
    source = write(tmp_path, text)
    shown = [str(p).replace(str(tmp_path) + "/", "") for p in packs.validate(source, packs_dir)]
    assert len(shown) == len(expected)
    for line, want in zip(shown, expected, strict=True):
        assert line.startswith(want), line
    with pytest.raises(packs.PackError) as err:
        packs.import_pack(source, packs_dir)
    assert str(err.value).splitlines()[0] == f"{source} has {len(expected)} problem(s); nothing was installed:"
    assert len(err.value.problems) == len(expected)
    assert list(packs_dir.iterdir()) == []


def test_builtin_question_id_clash_is_reported_at_its_line(tmp_path, packs_dir):
    clash = HEADER + OWN.replace("id: team-q1", "id: canary-vs-blue-green")
    (problem,) = packs.validate(write(tmp_path, clash), packs_dir)
    assert str(problem).startswith(
        f"{tmp_path}/team.yaml:21: questions[0].id: duplicate question id 'canary-vs-blue-green' (first defined at "
    )


def test_clash_with_another_installed_pack(tmp_path, packs_dir):
    packs.import_pack(write(tmp_path, HEADER + OWN), packs_dir)
    other = write(tmp_path, HEADER.replace("name: team", "name: other") + OWN, "other.yaml")
    shown = [p.field for p in packs.validate(other, packs_dir)]
    assert shown == ["rubrics[0].id", "questions[0].id"]


def test_same_name_needs_replace_and_says_both_versions(tmp_path, packs_dir):
    packs.import_pack(write(tmp_path, HEADER + OWN), packs_dir)
    newer = write(tmp_path, HEADER.replace("version: 1", "version: 2") + OWN, "newer.yaml")
    with pytest.raises(packs.PackError, match=r"already installed \(v1, .*team.yaml\); import with replace"):
        packs.import_pack(newer, packs_dir)
    assert packs.list_packs(packs_dir)[0].version == 1
    result = packs.import_pack(newer, packs_dir, replace=True)
    assert result.message == "replaced pack 'team' v2 (1 question(s)); the installed version was v1"
    assert [(s.name, s.version) for s in packs.list_packs(packs_dir)] == [("team", 2)]
    assert sorted(p.name for p in packs_dir.iterdir()) == ["team.yaml"]  # no temp file left behind


def test_failed_write_leaves_no_half_written_file(tmp_path, packs_dir, monkeypatch):
    packs.import_pack(write(tmp_path, HEADER + OWN), packs_dir)
    before = (packs_dir / "team.yaml").read_text()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(packs.os, "replace", boom)
    newer = write(tmp_path, HEADER.replace("version: 1", "version: 2") + OWN, "newer.yaml")
    with pytest.raises(OSError, match="disk full"):
        packs.import_pack(newer, packs_dir, replace=True)
    assert (packs_dir / "team.yaml").read_text() == before
    assert sorted(p.name for p in packs_dir.iterdir()) == ["team.yaml"]


def test_too_large_file_is_refused(tmp_path, packs_dir, monkeypatch):
    monkeypatch.setattr(packs, "MAX_FILE_BYTES", 100)
    source = write(tmp_path, HEADER + OWN)
    with pytest.raises(packs.PackError, match=r"team.yaml:1: file: larger than 100 bytes"):
        packs.import_pack(source, packs_dir)


def test_remove(tmp_path, packs_dir):
    packs.import_pack(write(tmp_path, HEADER + OWN), packs_dir)
    assert packs.remove_pack("team", packs_dir) == [packs_dir / "team.yaml"]
    assert packs.list_packs(packs_dir) == []
    with pytest.raises(packs.PackError, match="no pack named 'team'"):
        packs.remove_pack("team", packs_dir)


def test_build_from_a_folder_of_question_and_rubric_files(tmp_path, packs_dir):
    folder = tmp_path / "course"
    (folder / "rubrics").mkdir(parents=True)
    (folder / "rubrics" / "r.yaml").write_text(RUBRIC.replace("id: r1", "id: course-r1"))
    (folder / "q.yaml").write_text(QUESTION.replace("q1", "course-q1").replace("r1", "course-r1"))
    (folder / "builtin-rubric.yaml").write_text(
        QUESTION.replace("q1", "course-q2").replace("rubric: r1", "rubric: canary-vs-blue-green")
    )
    text = packs.build_pack([folder], "course", title="Course", author="Ada")
    built = write(tmp_path, text, "course.yaml")
    content = packs.read_pack(built)
    assert content.pack.model_dump(exclude_none=True) == {
        "name": "course",
        "title": "Course",
        "version": 1,
        "author": "Ada",
    }
    assert [r.id for r in content.rubrics] == ["course-r1"]  # the built-in rubric is used, not copied
    assert sorted(q.id for q in content.questions) == ["course-q1", "course-q2"]
    assert packs.validate(built, packs_dir) == []
    with pytest.raises(packs.PackError, match=r"q.yaml:\d+: questions\[0\]\.rubric: rubric 'nope' does not exist"):
        (folder / "q.yaml").write_text(QUESTION.replace("q1", "course-q1").replace("r1", "nope"))
        packs.build_pack([folder], "course")


def test_sample_pack_is_valid_and_its_model_answers_score_high(packs_dir):
    from interviewer.graders import get_grader

    assert packs.validate(SAMPLE, packs_dir) == []
    packs.import_pack(SAMPLE, packs_dir)
    bank = load_bank(packs=packs_dir)
    grader = get_grader("keyword")
    ids = [qid for qid, name in bank.pack_of.items() if name == "bootcamp-sample"]
    assert len(ids) == 3
    for qid in ids:
        q = bank.questions[qid]
        assert grader.grade(q, bank.rubric_for(q), q.model_answer).score >= 80, qid
        generic = "It depends, I would follow best practices and monitor things."
        assert grader.grade(q, bank.rubric_for(q), generic).score <= 20, qid


def test_cli_pack_commands(tmp_path, packs_dir, capsys):
    source = write(tmp_path, HEADER + OWN)
    assert main(["pack", "validate", str(source)]) == 0
    assert main(["pack", "import", str(source)]) == 0
    capsys.readouterr()
    assert main(["pack", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed == {
        "name": "team",
        "title": "Team week 3",
        "version": 1,
        "author": "Ada",
        "description": None,
        "file": str(packs_dir / "team.yaml"),
        "questions": 1,
        "problems": [],
    }
    assert main(["pack", "import", str(source)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: a pack named 'team' is already installed") and err.count("\n") == 1
    assert main(["pack", "import", str(source), "--replace"]) == 0
    out = tmp_path / "out.yaml"
    assert main(["pack", "export", "team", "-o", str(out)]) == 0
    assert packs.read_pack(out) == packs.read_pack(source)
    assert main(["list", "--topic", "team-topic"]) == 0 and "team-q1" in capsys.readouterr().out
    assert main(["pack", "remove", "team"]) == 0
    assert capsys.readouterr().err == f"removed {packs_dir / 'team.yaml'}\n"
    assert main(["pack", "remove", "team"]) == 1
    assert capsys.readouterr().err == f"error: no pack named 'team' in {packs_dir}\n"


def test_cli_validate_and_build_errors(tmp_path, capsys):
    broken = write(tmp_path, HEADER + OWN.replace("    difficulty: easy\n", ""))
    assert main(["pack", "validate", str(broken)]) == 1
    assert capsys.readouterr().out == f"{broken}:21: questions[0].difficulty: Field required\n"
    assert main(["pack", "validate", str(tmp_path / "missing.yaml")]) == 1
    assert "error: no such file" in capsys.readouterr().err
    assert main(["pack", "build", str(tmp_path / "nothing"), "--name", "x"]) == 1
    assert capsys.readouterr().err.startswith("error: no such file or folder")
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "q.yaml").write_text(QUESTION.replace("q1", "f-q1").replace("rubric: r1", "rubric: canary-vs-blue-green"))
    assert main(["pack", "build", str(folder), "--name", "Bad Name"]) == 1
    assert capsys.readouterr().err.startswith("error: pack header: ")
    out = tmp_path / "built.yaml"
    assert main(["pack", "build", str(folder), "--name", "f", "--title", "F", "-o", str(out)]) == 0
    assert packs.read_pack(out).pack.title == "F"
    capsys.readouterr()
    blocked = tmp_path / "no-such-dir" / "built.yaml"
    assert main(["pack", "build", str(folder), "--name", "f", "-o", str(blocked)]) == 1
    assert capsys.readouterr().err == f"error: cannot write {blocked}: No such file or directory\n"
