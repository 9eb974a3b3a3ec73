"""Broken question and rubric YAML, generated: the loader never crashes or executes anything,
and every problem is reported as `path:line: field: message`."""

from __future__ import annotations

import re

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.content.bank import MAX_FILE_BYTES, load_paths

PROBLEM = re.compile(r"^.+\.yaml:\d+: \S.*: .+$")
FIELDS = [
    "id",
    "title",
    "prompt",
    "topic",
    "difficulty",
    "kind",
    "rubric",
    "tags",
    "suggested_minutes",
    "model_answer",
    "follow_ups",
    "version",
    "criteria",
    "weight",
    "must_have",
    "keywords",
    "anchors",
]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=25,
)
entries = st.dictionaries(st.sampled_from(FIELDS), values, max_size=10)


def check(tmp_path, text: str, name: str = "q.yaml") -> list[str]:
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_paths([folder]).problems]
    for problem in problems:
        assert PROBLEM.match(problem), problem
        assert problem.startswith(str(path))
    path.unlink()
    return problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["questions", "rubrics", "quiz", "glossary"]), st.lists(entries, max_size=3))
def test_wrong_types_and_fields(tmp_path, section, items):
    text = yaml.safe_dump({section: items}, allow_unicode=True)
    problems = check(tmp_path, text)
    if items:
        assert problems  # random entries are never valid questions or rubrics


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_arbitrary_text(tmp_path, text):
    check(tmp_path, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        [
            "!!python/object/apply:os.system ['touch {marker}']",
            "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
            "!!python/name:os.system",
            "!!binary aGVsbG8=",
            "&a [*a]",
        ]
    ),
    st.integers(0, 3),
)
def test_tags_are_refused_not_executed(tmp_path, payload, depth):
    marker = tmp_path / "pwned"
    value = payload.format(marker=marker)
    for _ in range(depth):
        value = f"[{value}]"
    problems = check(tmp_path, f"questions:\n  - id: x\n    title: {value}\n")
    assert problems and not marker.exists()


def test_deep_nesting_and_huge_files(tmp_path):
    deep = "questions: " + "[" * 5000 + "]" * 5000 + "\n"
    (problem,) = check(tmp_path, deep)
    assert ": yaml: " in problem or "questions" in problem
    huge = "questions:\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    assert check(tmp_path, huge) == [f"{tmp_path / 'bank' / 'q.yaml'}:1: file: larger than {MAX_FILE_BYTES} bytes"]
    aliases = (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "questions: [*i]\n"
    )
    assert check(tmp_path, aliases)  # a billion laughs is an error, not a hang


def test_not_utf8(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "q.yaml").write_bytes(b"questions:\n  - id: \xff\xfe\n")
    (problem,) = [str(p) for p in load_paths([folder]).problems]
    assert problem.startswith(f"{folder / 'q.yaml'}:1: file: cannot read")
