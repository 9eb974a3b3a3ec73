"""Files a user uploads or points the app at: job-description PDFs, YAML packs with aliases, `pack remove` in a
folder that holds other files, upload names, and answers that are not UTF-8 text."""

from __future__ import annotations

import io
import sys

import pytest
import yaml

from interviewer.cli import main
from interviewer.coaching import tailor
from interviewer.content import bank as bank_mod
from interviewer.content import packs

from ..conftest import QID
from ..pdfs import pdf, text_page
from ..test_packs import HEADER, OWN

# --- PDFs: pages, characters and time are limited ------------------------------------------------------------


JD = "We need Kubernetes autoscaling, canary releases and drift monitoring for our fraud models. "


def test_a_pdf_with_too_many_pages_is_refused_before_any_text_is_read():
    data = pdf([text_page(JD)] * 21)
    with pytest.raises(tailor.TailorError, match=r"long\.pdf has 21 pages; a job description should have at most 20"):
        tailor.read_bytes(data, "long.pdf")


def test_pdf_text_extraction_stops_once_past_the_character_limit():
    from interviewer.coaching import pdftext

    pages = [text_page(JD * 40)] * 10  # about 3,600 characters a page
    extracted = pdftext.extract(pdf(pages), "big.pdf", max_chars=10_000)
    assert extracted.problem and "more than 10,000 characters" in extracted.problem
    assert "stopped reading at page 3 of 10" in extracted.problem  # pages 4-10 were never parsed
    ok = pdftext.extract(pdf(pages[:2]), "two.pdf", max_chars=10_000)
    assert ok.problem is None and ok.text.count("Kubernetes") == 80


def test_a_pdf_that_takes_too_long_is_stopped_with_a_clear_message():
    from interviewer.coaching import pdftext

    # 15 KB that inflate to 200,000 empty text objects: pypdf takes about 20 s of CPU here (0.1 ms each).
    bomb = pdf([b"BT /F1 1 Tf 0 0 Td () Tj ET\n" * 200_000], compress=True)
    assert len(bomb) < 20_000
    extracted = pdftext.extract_with_time_limit(bomb, "bomb.pdf", time_limit_s=2)
    assert extracted.problem == (
        "bomb.pdf took longer than 2 s to read, so it was stopped; paste the job description as text instead"
    )
    # The same limit passes an ordinary job description through.
    assert "Kubernetes" in tailor.read_bytes(pdf([text_page(JD)]), "jd.pdf")


# --- YAML aliases and list lengths ---------------------------------------------------------------------------


def laughs(levels: int = 9) -> str:
    """A billion-laughs pack: each level's list names the one before nine times (9**9 tags once expanded)."""
    lines = ["    tags: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    lines += [f"    x{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return HEADER + OWN.replace("    rubric: team-r1\n", "    rubric: team-r1\n" + "\n".join(lines) + "\n")


@pytest.fixture
def constructing(monkeypatch):
    """Counts the documents the loader builds while `guard["on"]`, refusing to build them (as a YAML error, so
    nothing tries to print the aliased nodes, whose text is as big as the expansion)."""
    guard = {"on": True, "built": 0}
    construct = bank_mod.LOADER.construct_document

    def refuse(self, node):
        if guard["on"]:
            guard["built"] += 1
            raise yaml.YAMLError("the loader constructed the document")
        return construct(self, node)

    monkeypatch.setattr(bank_mod.LOADER, "construct_document", refuse)
    return guard


def test_a_billion_laughs_pack_is_refused_without_building_it(tmp_path, constructing):
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs(), encoding="utf-8")
    items, problems, info = bank_mod.load_file(path)
    assert constructing["built"] == 0 and (items, info) == ([], None)
    (problem,) = problems
    assert str(problem) == (
        f"{path}:28: questions[0].x1[0]: a pack may not use YAML aliases (*l0); write the value out"
    )
    constructing["on"] = False  # importing loads the built-in bank as well
    with pytest.raises(packs.PackError, match=r"a pack may not use YAML aliases"):
        packs.import_pack(path, tmp_path / "installed")
    assert not (tmp_path / "installed").exists()


def test_bank_files_may_use_a_few_aliases_but_not_expand_without_bound(tmp_path, constructing):
    path = tmp_path / "q.yaml"
    path.write_text(laughs().split("rubrics:", 1)[1].join(["rubrics:", ""]), encoding="utf-8")  # no pack header
    (problem,) = bank_mod.load_file(path)[1]
    assert constructing["built"] == 0 and problem.message == "more than 20 YAML aliases (*l2); write the value out"
    # Within the alias limit, but 2,000 x 10 x 10 entries once expanded.
    wide = "common: &a [" + ", ".join(["x"] * 2000) + "]\n"
    wide += "tens: &b [" + ", ".join(["*a"] * 10) + "]\nhundreds: [" + ", ".join(["*b"] * 10) + "]\n"
    path.write_text(wide + "questions: []\n", encoding="utf-8")
    (problem,) = bank_mod.load_file(path)[1]
    assert str(problem) == f"{path}:3: hundreds[8]: expands to more than 200,000 entries"


def test_a_few_aliases_still_load_in_a_bank_file(tmp_path):
    text = OWN.replace("    rubric: team-r1\n", "    rubric: team-r1\n    tags: &t [canary]\n")
    text = text.replace("anchors: {0: none", "anchors: {0: *t, 9: none").replace("*t, 9: none", "none")
    path = tmp_path / "q.yaml"
    path.write_text(text + "  - id: team-q2\n    tags: *t\n", encoding="utf-8")
    problems = bank_mod.load_file(path)[1]
    assert problems == []  # one alias outside a pack is fine (the entry's own problems come later)


def test_lists_are_capped_with_a_line(tmp_path):
    tags = ", ".join(f"t{i}" for i in range(bank_mod.MAX_LIST_ITEMS + 1))
    path = tmp_path / "team.yaml"
    path.write_text(HEADER + OWN.replace("    rubric: team-r1\n", f"    rubric: team-r1\n    tags: [{tags}]\n"))
    (problem,) = bank_mod.load_file(path)[1]
    assert str(problem) == f"{path}:27: questions[0].tags: more than 2,000 items"


def test_a_self_referencing_alias_is_one_problem(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("questions: &a [*a]\n")
    assert [str(p) for p in bank_mod.load_file(path)[1]] == [f"{path}:1: questions[0]: the alias *a contains itself"]


# --- pack remove: installed packs only, directly in the folder ------------------------------------------------


def test_pack_remove_never_touches_files_that_are_not_that_installed_pack(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "projects"
    (folder / "api").mkdir(parents=True)
    compose = folder / "api" / "docker-compose.yml"
    compose.write_text("services:\n  api:\n    image: api:1\n")
    top_compose = folder / "docker-compose.yml"
    top_compose.write_text("services: {}\n")
    nested_pack = folder / "api" / "team.yaml"
    nested_pack.write_text(HEADER + OWN)
    renamed = folder / "team.yaml"
    renamed.write_text(HEADER.replace("name: team", "name: other") + OWN)  # its file name is not its pack name
    monkeypatch.setenv("INTERVIEWER_PACKS", str(folder))

    assert main(["pack", "remove", "docker-compose"]) == 1
    assert f"no pack named 'docker-compose' in {folder}" in capsys.readouterr().err
    assert main(["pack", "remove", "team"]) == 1
    assert compose.exists() and top_compose.exists() and nested_pack.exists() and renamed.exists()

    assert main(["pack", "remove", "other"]) == 0
    assert not renamed.exists() and compose.exists() and top_compose.exists() and nested_pack.exists()


# --- upload names and answers that are not text -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", "", "bad\x00name.yaml", "../../"])
def test_an_upload_with_an_unusable_name_is_refused_clearly(tmp_path, name):
    data = (HEADER + OWN).encode()
    with pytest.raises(packs.PackError, match="is not a usable file name"):
        packs.import_upload(data, name, tmp_path / "packs")
    check = packs.check_upload(data, name, tmp_path / "packs")
    assert check.problems and "is not a usable file name" in check.problems[0]
    assert not (tmp_path / "packs").exists()
    assert packs.import_upload(data, "../team.yaml", tmp_path / "packs").file == str(tmp_path / "packs" / "team.yaml")


def test_a_non_utf8_answer_file_is_one_clear_line(tmp_path, capsys):
    answer = tmp_path / "answer.txt"
    answer.write_bytes("Un déploiement canari ".encode("latin-1"))
    assert main(["grade", QID, "--answer-file", str(answer)]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"error: answer file {answer} is not UTF-8 text (byte 4 cannot be read); save it as UTF-8 plain text\n"
    )


def test_binary_stdin_is_one_clear_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")))
    assert main(["grade", QID, "-"]) == 1
    assert capsys.readouterr().err.startswith("error: the answer on standard input is not UTF-8 text")
