"""Question packs in the app (AppTest): Settings import/replace/download/remove, pack questions on
Practice, History and Progress."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from interviewer.content import packs
from interviewer.history.store import Store

from .conftest import ROOT, new_app
from .test_packs import HEADER, OWN

SETTINGS = "interviewer/ui/pages/settings.py"
HISTORY = "interviewer/ui/pages/history.py"
PROGRESS = "interviewer/ui/pages/progress.py"


@pytest.fixture
def packs_dir() -> Path:
    return Path(os.environ["INTERVIEWER_PACKS"])


@pytest.fixture
def settings_page() -> AppTest:
    at = new_app()
    at.switch_page(SETTINGS).run()
    assert not at.exception
    return at


def test_settings_import_replace_download_remove(settings_page, packs_dir):
    at = settings_page
    assert "No packs installed." in [c.value for c in at.caption]
    at.file_uploader(key="pack_upload").upload("team.yaml", (HEADER + OWN).encode(), "application/x-yaml").run()
    assert not at.exception
    assert at.info[0].value == "*Team week 3* v1 (1 question(s)) is valid."
    assert list(packs_dir.iterdir()) == []  # checked, not installed yet
    at.button(key="pack_import").click().run()
    assert not at.exception
    assert at.success[0].value == f"Installed pack 'team' v1 (1 question(s)) as {packs_dir / 'team.yaml'}."
    assert any(m.value == "**Team week 3** v1 by Ada · 1 question(s) · `team`" for m in at.markdown)
    assert at.get("download_button")[0].proto.label == "Download"
    assert "pack_import" not in [b.key for b in at.button]  # the installed upload is not offered again

    newer = HEADER.replace("version: 1", "version: 2") + OWN
    at.file_uploader(key="pack_upload").upload("team-v2.yaml", newer.encode(), "application/x-yaml").run()
    assert at.warning[0].value == "A pack named `team` is installed (v1)."
    assert at.button(key="pack_replace").proto.label == "Replace v1 with v2"
    at.button(key="pack_replace").click().run()
    assert at.success[0].value == "Replaced pack 'team' v2 (1 question(s)); the installed version was v1."
    assert [s.version for s in packs.list_packs(packs_dir)] == [2]

    at.button(key="pack_remove_team").click().run()
    assert not at.exception
    assert at.success[0].value == "Removed pack 'team' (team.yaml)."
    assert packs.list_packs(packs_dir) == []


def test_settings_broken_upload_lists_problems_and_installs_nothing(settings_page, packs_dir):
    at = settings_page
    # A question's schema problems and its clashing id are listed together, not one round after the other.
    broken = HEADER + OWN.replace("    difficulty: easy\n", "").replace("id: team-q1", "id: canary-vs-blue-green")
    at.file_uploader(key="pack_upload").upload("broken.yaml", broken.encode(), "application/x-yaml").run()
    assert not at.exception
    assert at.error[0].value == "broken.yaml has 2 problem(s); nothing was installed."
    first, second = at.code[0].value.splitlines()
    assert first == "broken.yaml:21: questions[0].difficulty: Field required"
    clash = "broken.yaml:21: questions[0].id: duplicate question id 'canary-vs-blue-green' (first defined at "
    assert second.startswith(clash)
    assert "pack_import" not in [b.key for b in at.button]
    assert list(packs_dir.iterdir()) == []


def test_settings_packs_folder_is_saved(settings_page, settings_file, monkeypatch, tmp_path):
    import json

    # Pinned by INTERVIEWER_PACKS in the tests: the field is read-only and the env value is not saved.
    at = settings_page
    assert at.text_input(key="settings_packs_dir").disabled
    at.button(key="settings_save").click().run()
    assert "packs_dir" not in json.loads(settings_file.read_text())
    monkeypatch.delenv("INTERVIEWER_PACKS")
    at = new_app()
    at.switch_page(SETTINGS).run()
    at.text_input(key="settings_packs_dir").input(str(tmp_path / "my-packs")).run()
    at.button(key="settings_save").click().run()
    assert json.loads(settings_file.read_text())["packs_dir"] == str(tmp_path / "my-packs")
    at.run()
    assert any(c.value.startswith(f"Packs are loaded from {tmp_path / 'my-packs'}.") for c in at.caption)


def test_shared_deployment_lists_packs_without_import_or_remove(tmp_path, packs_dir, monkeypatch):
    from interviewer.ui import auth

    packs.import_pack(_write(tmp_path, HEADER + OWN), packs_dir)
    monkeypatch.setattr(auth, "enabled", lambda: True)
    monkeypatch.setattr(auth, "signed_in_profile", lambda: "alice")
    at = AppTest.from_file(str(ROOT / SETTINGS), default_timeout=30).run()
    assert not at.exception
    assert any(m.value.startswith("**Team week 3** v1 by Ada") for m in at.markdown)
    assert not at.file_uploader and not at.button
    assert not at.text_input  # the folder is the deployment's


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pack_question_on_practice_history_and_progress(tmp_path, packs_dir, isolated_env):
    packs.import_pack(_write(tmp_path, HEADER + OWN), packs_dir)  # topic 'team-topic' is not a built-in one
    at = new_app()
    at.selectbox(key="practice_topic").set_value("team-topic").run()
    assert at.selectbox(key="practice_question").value == "team-q1"
    assert "From pack *Team week 3* v1" in [c.value for c in at.caption]
    at.text_area(key="answer_team-q1").input("A canary: a small share of traffic goes to the new model.").run()
    at.button(key="submit").click().run()
    assert not at.exception
    score = int(at.metric[0].value.split("/")[0])
    assert score > 50
    (attempt,) = Store.open(isolated_env / "history.db").for_profile("default").attempts()
    assert (attempt.question_id, attempt.topic, attempt.score) == ("team-q1", "team-topic", score)

    at.switch_page(HISTORY).run()
    assert not at.exception
    assert at.dataframe[0].value["topic"].tolist() == ["team-topic"]
    assert at.dataframe[0].value["question"].tolist() == ["A question"]
    assert "From pack *Team week 3* v1" in [c.value for c in at.caption]
    at.selectbox(key="history_topic").set_value("team-topic").run()
    assert len(at.dataframe[0].value) == 1

    at.switch_page(PROGRESS).run()
    assert not at.exception
    assert any(m.value.startswith("- **Release strategy** in team-topic") for m in at.markdown)
    assert any(b.label.startswith("Practise: A question") for b in at.button)


def test_mock_interview_names_the_pack_of_its_question(tmp_path, packs_dir):
    packs.import_pack(_write(tmp_path, HEADER + OWN), packs_dir)
    at = new_app()
    at.switch_page("interviewer/ui/pages/mock.py").run()
    at.multiselect(key="mock_topics").set_value(["team-topic"]).run()
    at.button(key="mock_start").click().run()
    assert not at.exception
    assert "Question 1 of 1 · coached: feedback after each answer · from pack *Team week 3* v1" in [
        c.value for c in at.caption
    ]


def test_walkthrough_names_the_pack_of_a_checklist_question(tmp_path, packs_dir):
    checklist = OWN.replace("difficulty: easy", "difficulty: easy\n    kind: checklist")
    packs.import_pack(_write(tmp_path, HEADER + checklist), packs_dir)
    at = new_app()
    at.switch_page("interviewer/ui/pages/walkthrough.py").run()
    assert "From pack *Team week 3* v1" not in [c.value for c in at.caption]  # a built-in scenario first
    at.selectbox(key="walkthrough_question").set_value("team-q1").run()
    assert not at.exception
    assert "From pack *Team week 3* v1" in [c.value for c in at.caption]
