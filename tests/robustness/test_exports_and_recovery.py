"""Exports that are safe to open, imports that trust nothing, and what a crash leaves behind: answers left
pending, the database's permissions, the read-aloud cache's temp files."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from interviewer.cli import main
from interviewer.coaching import tts
from interviewer.coaching.answers import submit
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history import export
from interviewer.history.store import Store

from ..conftest import new_app
from ..fake_llm import FakeLLMServer

BANK = load_bank()
QID = "canary-vs-blue-green"
GRADER = get_grader("keyword")


@pytest.fixture
def store(isolated_env) -> Store:
    return Store.open(isolated_env / "history.db")


def answer(store: Store, text: str, profile: str = "default"):
    q = BANK.questions[QID]
    return submit(store.for_profile(profile), GRADER, q, BANK.rubric_for(q), text)


# --- exports ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_never_start_a_formula(store, start):
    from interviewer.plain import csv_cell

    answer(store, f'{start}HYPERLINK("http://evil.test","canary") with 5% of traffic')
    rows = list(csv.DictReader(io.StringIO(export.to_csv(store.for_profile("default")))))
    assert rows[0]["answer"] == f'\'{start}HYPERLINK("http://evil.test","canary") with 5% of traffic'
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for v in row.values() if v)
    # Answers lose leading tabs and line breaks when saved; any other text that starts with one is quoted too.
    assert [csv_cell("\t=1+1"), csv_cell("\r=1"), csv_cell(-5), csv_cell("ok")] == ["'\t=1+1", "'\r=1", -5, "ok"]


def test_answers_are_fenced_in_the_markdown_report(store):
    hostile = "```\n# Fake heading\n<img src=http://evil.test/t.png> [link](http://evil.test)\n````"
    answer(store, f"A canary with 5% of traffic.\n{hostile}")
    report = export.to_markdown(store.for_profile("default"), BANK)
    fence_line = next(line for line in report.splitlines() if line.startswith("`````"))
    assert fence_line == "`````text"  # longer than any backtick run in the answer
    body = report.split(fence_line, 1)[1]
    assert body.index("<img src=") < body.index("`````\n")  # the HTML stays inside the fence


# --- imports ------------------------------------------------------------------------------------------------------


def exported(store: Store) -> dict:
    return json.loads(export.to_json(store.for_profile("default")))


def test_imported_scores_come_from_the_levels_not_the_file(store):
    answer(store, "Blue-green only.")
    data = exported(store)
    grade = data["attempts"][0]["grade"]
    grade["score"] = 100
    grade["criteria"] = [c | {"level": 0} for c in grade["criteria"]]
    assert export.import_json(store, json.dumps(data), "bob") == 1
    (attempt,) = store.for_profile("bob").attempts()
    assert attempt.score == 0 and attempt.grade.score == 0


def test_imports_are_cleaned_and_capped_like_live_answers(store):
    answer(store, "A canary with 5% of traffic.")
    data = exported(store)
    data["attempts"][0]["answer"] = "canary\x1b[2J\x07 with\x00 5%"
    data["attempts"][0]["grade"]["grader"] = "keyword\x1b]0;pwned\x07"
    assert export.import_json(store, json.dumps(data), "bob") == 1
    (attempt,) = store.for_profile("bob").attempts()
    assert attempt.answer == "canary[2J with 5%" and attempt.grade.grader == "keyword]0;pwned"
    data["attempts"][0]["answer"] = "x" * 1_000_000
    too_long = r"attempts\.0\.answer: 1,000,000 characters; the limit is 20,000"
    with pytest.raises(export.HistoryImportError, match=too_long):
        export.import_json(store, json.dumps(data), "bob")
    assert store.for_profile("bob").count_attempts() == 1  # nothing more was imported


def test_the_cli_imports_into_the_chosen_profile_not_the_files(store, tmp_path, monkeypatch, capsys):
    answer(store, "A canary with 5% of traffic.", profile="ada")
    data = json.loads(export.to_json(store.for_profile("ada")))
    assert data["profile"] == "ada"
    path = tmp_path / "ada.json"
    path.write_text(json.dumps(data))
    monkeypatch.setenv("INTERVIEWER_PROFILE", "mallory")
    assert main(["import", str(path)]) == 0
    assert capsys.readouterr().err == "imported 1 attempt(s) into profile 'mallory'\n"
    assert store.for_profile("ada").count_attempts() == 1 and store.for_profile("mallory").count_attempts() == 1
    assert main(["import", str(path), "--profile", "eve"]) == 0
    assert store.for_profile("eve").count_attempts() == 1 and store.for_profile("ada").count_attempts() == 1


# --- answers left pending by a crash ------------------------------------------------------------------------------


def test_an_attempt_left_pending_by_a_crash_can_be_graded_again(store):
    from interviewer.coaching.answers import interrupted

    q = BANK.questions[QID]
    mine = store.for_profile("default")
    long_ago = (datetime.now(UTC) - timedelta(minutes=30)).isoformat(timespec="milliseconds")
    attempt_id = mine.save_attempt(q, BANK.rubric_for(q), "A canary with 5% of traffic first.", created_at=long_ago)
    just_now = mine.save_attempt(q, BANK.rubric_for(q), "Another canary answer, still grading.")
    assert interrupted(mine.attempt(attempt_id)) and not interrupted(mine.attempt(just_now))

    at = new_app().switch_page("interviewer/ui/pages/history.py").run()
    assert not at.exception
    assert at.dataframe[0].value["status"].tolist() == ["pending", "not graded"]  # newest first
    at.selectbox(key="history_attempt").set_value(attempt_id).run()
    assert any(w.value.startswith("Not graded: grading was interrupted") for w in at.warning)
    at.button(key=f"history_regrade_{attempt_id}").click().run()
    assert not at.exception
    assert at.success[0].value == "Graded." and at.metric
    graded = mine.attempt(attempt_id)
    assert graded.status == "graded" and graded.score is not None


# --- files on disk ------------------------------------------------------------------------------------------------


def test_the_database_is_readable_by_its_owner_only(tmp_path):
    db = tmp_path / "new" / "history.db"
    store = Store.open(db)
    answer(store, "A canary with 5% of traffic.")
    for path in (db, db.with_name("history.db-wal"), db.with_name("history.db-shm")):
        assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_two_sessions_caching_the_same_audio_never_share_a_temp_file(tmp_path, monkeypatch):
    names: list[str] = []
    mkstemp = tts.tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = mkstemp(*args, **kwargs)
        names.append(name)
        return fd, name

    monkeypatch.setattr(tts.tempfile, "mkstemp", spy)
    with FakeLLMServer() as fake:
        fake.enqueue(("audio", b"RIFF-one"), ("audio", b"RIFF-two"))
        first, second = (tts.APISpeaker(base_url=fake.base_url, cache=tmp_path) for _ in range(2))
        first.speak("Why canary?")
        first.path_for("Why canary?").unlink()  # as if both had missed the cache at once
        second.speak("Why canary?")
    assert len(names) == 2 and len(set(names)) == 2  # one unique temp file per writer, in the same process
    (entry,) = [f for f in tmp_path.iterdir()]
    assert entry.read_bytes() in (b"RIFF-one", b"RIFF-two")  # whole files only
