"""Every bad-content case is reported as `path:line: field: message`, and valid entries still load."""

from __future__ import annotations

from interviewer.content.bank import load_bank

from .conftest import QUESTION, RUBRIC


def problems(root) -> list[str]:
    return [str(p).replace(str(root) + "/", "") for p in load_bank(root).problems]


def test_valid_bank_loads(write_bank):
    bank = load_bank(write_bank())
    assert bank.problems == []
    assert list(bank.questions) == ["q1"]
    assert bank.rubric_for(bank.questions["q1"]).criteria[0].must_have[0].keywords[1][1] == "5%"


def test_yaml_syntax_error_has_line(write_bank):
    root = write_bank(questions=QUESTION.replace("    difficulty: easy", "    difficulty: [easy"))
    (problem,) = problems(root)
    # The parser notices on line 7; the message points back at the unclosed list on line 6.
    assert problem.startswith("questions/q.yaml:7: yaml: while parsing a flow sequence (line 6) ")
    assert "expected ',' or ']'" in problem


def test_unknown_field_points_at_its_key(write_bank):
    root = write_bank(questions=QUESTION + "    colour: blue\n")
    assert problems(root) == ["questions/q.yaml:9: questions[0].colour: unknown field"]


def test_missing_field_points_at_the_entry(write_bank):
    root = write_bank(questions=QUESTION.replace("    title: A question\n", ""))
    assert problems(root) == ["questions/q.yaml:2: questions[0].title: Field required"]


def test_wrong_type(write_bank):
    root = write_bank(questions=QUESTION.replace("difficulty: easy", "difficulty: 7"))
    (problem,) = problems(root)
    assert problem.startswith("questions/q.yaml:6: questions[0].difficulty: Input should be 'easy'")


def test_weight_not_positive(write_bank):
    root = write_bank(rubrics=RUBRIC.replace("weight: 2", "weight: 0"))
    assert problems(root) == [
        "rubrics/r.yaml:7: rubrics[0].criteria[0].weight: Input should be greater than 0",
        "questions/q.yaml:7: questions[0].rubric: rubric 'r1' does not exist",  # its rubric was rejected
    ]


def test_empty_keyword_group(write_bank):
    root = write_bank(rubrics=RUBRIC.replace("- [canary]", "- []"))
    assert (
        problems(root)[0]
        == "rubrics/r.yaml:12: rubrics[0].criteria[0].must_have[0].keywords[0]: keyword group is empty"
    )


def test_missing_anchor_level(write_bank):
    root = write_bank(rubrics=RUBRIC.replace(" 4: excellent", " 5: excellent"))
    assert problems(root)[0] == "rubrics/r.yaml:14: rubrics[0].criteria[0].anchors[5]: Input should be 0, 1, 2, 3 or 4"


def test_duplicate_question_id(write_bank):
    second = QUESTION.replace("questions:\n", "").replace("title: A question", "title: Another")
    root = write_bank(questions=QUESTION + second)
    assert problems(root) == [
        "questions/q.yaml:9: questions[1].id: duplicate question id 'q1' (first defined at questions/q.yaml:2)"
    ]
    assert list(load_bank(root).questions) == ["q1"]


def test_duplicate_rubric_id_across_files(write_bank):
    root = write_bank()
    (root / "rubrics" / "s.yaml").write_text(RUBRIC)
    assert problems(root) == [
        "rubrics/s.yaml:2: rubrics[0].id: duplicate rubric id 'r1' (first defined at rubrics/r.yaml:2)"
    ]


def test_question_pointing_at_missing_rubric(write_bank):
    root = write_bank(questions=QUESTION.replace("rubric: r1", "rubric: nope"))
    assert problems(root) == ["questions/q.yaml:7: questions[0].rubric: rubric 'nope' does not exist"]


def test_follow_up_for_unknown_criterion(write_bank):
    probe = "    follow_ups:\n      - criterion: speed\n        question: How fast?\n"
    root = write_bank(questions=QUESTION + probe)
    assert problems(root) == [
        "questions/q.yaml:10: questions[0].follow_ups[0].criterion: rubric 'r1' has no criterion 'speed'"
    ]


def test_duplicate_yaml_key(write_bank):
    root = write_bank(questions=QUESTION + "    title: Again\n")
    assert "questions/q.yaml:9: title: duplicate key" in problems(root)


def test_python_tags_are_refused_not_executed(write_bank, tmp_path):
    marker = tmp_path / "pwned"
    evil = f"questions:\n  - !!python/object/apply:os.system ['touch {marker}']\n"
    root = write_bank(questions=evil)
    (problem,) = problems(root)
    assert problem.startswith("questions/q.yaml:2: yaml: ")
    assert "python/object/apply" in problem
    assert not marker.exists()


def test_top_level_must_be_the_section(write_bank):
    root = write_bank(questions="- just a list\n")
    assert problems(root) == [
        "questions/q.yaml:1: questions: top level must be a mapping with a 'questions' or 'rubrics' list"
    ]
    root = write_bank(questions="questions: {}\nextra: 1\n", name="b2")
    assert problems(root) == [
        "questions/q.yaml:1: questions: must be a list",
        "questions/q.yaml:2: extra: unknown top-level field "
        "(expected 'pack', 'questions', 'rubrics', 'quiz', 'glossary')",
    ]


def test_one_file_holds_a_whole_pack(write_bank, tmp_path):
    packs = tmp_path / "packs"
    packs.mkdir()
    pack = packs / "team.yaml"
    header = "pack:\n  name: team\n  title: Our team's questions\n  version: 2\n"
    own_rubric = RUBRIC.replace("id: r1", "id: team-r1")
    pack.write_text(header + own_rubric + QUESTION.replace("q1", "team-q1").replace("r1", "team-r1"), encoding="utf-8")
    bank = load_bank(write_bank(), packs=packs)
    assert bank.problems == []
    assert set(bank.questions) == {"q1", "team-q1"}
    assert bank.pack("team-q1").title == "Our team's questions" and bank.pack("q1") is None
    # A pack's bad header and a clash with a built-in question are reported where they are.
    pack.write_text("pack:\n  name: Bad Name\n" + QUESTION, encoding="utf-8")
    bank = load_bank(write_bank(name="b2"), packs=packs)
    shown = sorted(str(p).replace(str(packs) + "/", "") for p in bank.problems)
    assert shown[0] == "team.yaml:2: pack.name: String should match pattern '^[a-z0-9][a-z0-9_-]*$'"
    assert shown[1].startswith("team.yaml:4: questions[0].id: duplicate question id 'q1' (first defined at ")
    assert bank.pack_of == {}


def test_empty_file(write_bank):
    root = write_bank(questions="")
    assert problems(root) == ["questions/q.yaml:1: questions: file is empty"]


def test_broken_entry_does_not_hide_valid_ones(write_bank):
    broken = QUESTION.replace("questions:\n", "").replace("id: q1", "id: q2").replace("difficulty: easy", "")
    bank = load_bank(write_bank(questions=QUESTION + broken))
    assert list(bank.questions) == ["q1"]
    assert [p.field for p in bank.problems] == ["questions[1].difficulty"]


def test_invalid_question_also_reports_its_missing_rubric(write_bank):
    # All in one round: schema problems do not hide the reference to a rubric that does not exist.
    broken = QUESTION.replace("difficulty: easy", "difficulty: superhard").replace("rubric: r1", "rubric: nope")
    root = write_bank(questions=broken.replace("    model_answer: A canary with a small share of traffic.\n", ""))
    assert problems(root) == [
        "questions/q.yaml:6: questions[0].difficulty: Input should be 'easy', 'medium' or 'hard'",
        "questions/q.yaml:2: questions[0].model_answer: Field required",
        "questions/q.yaml:7: questions[0].rubric: rubric 'nope' does not exist",
    ]
    assert load_bank(root).questions == {}


def test_every_problem_of_each_question_in_one_round(write_bank):
    probe = "    follow_ups:\n      - criterion: speed\n        question: How fast?\n"
    # The second question repeats the first's id, lacks a title and asks about a criterion its rubric lacks.
    second = QUESTION.replace("questions:\n", "").replace("    title: A question\n", "") + probe
    root = write_bank(questions=QUESTION + second)
    assert problems(root) == [
        "questions/q.yaml:9: questions[1].title: Field required",
        "questions/q.yaml:9: questions[1].id: duplicate question id 'q1' (first defined at questions/q.yaml:2)",
        "questions/q.yaml:16: questions[1].follow_ups[0].criterion: rubric 'r1' has no criterion 'speed'",
    ]
    assert list(load_bank(root).questions) == ["q1"]


def test_a_field_already_reported_is_not_checked_again(write_bank):
    root = write_bank(questions=QUESTION.replace("rubric: r1", "rubric: Not A Slug"))
    (problem,) = problems(root)
    assert problem.startswith("questions/q.yaml:7: questions[0].rubric: String should match pattern")
