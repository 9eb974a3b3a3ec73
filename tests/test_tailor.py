"""Tailoring to a job description: reading files, skills found, rankings of the real bank, gaps, CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.coaching import tailor
from interviewer.content.bank import load_bank

from .pdfs import pdf, text_page

JDS = Path(__file__).parent / "data" / "jds"
BANK = load_bank()
EDGE = {
    "quantize-vision-model-jetson",
    "self-checkout-kiosk-vision-fleet",
    "edge-or-cloud-kiosk-recognition",
    "kiosk-camera-corrupted-inputs",
}


def ranked(name: str, **kwargs) -> tailor.TailorResult:
    return tailor.rank(tailor.read_file(JDS / name), BANK, **kwargs)


def ids(result: tailor.TailorResult) -> list[str]:
    return [m.question_id for m in result.matches]


def test_fraud_jd_ranks_drift_and_monitoring_above_edge():
    result = ranked("fraud-ml-engineer.md")
    skills = {s.id for s in result.skills}
    assert {"drift-monitoring", "model-monitoring", "fraud-risk"} <= skills
    assert "edge-deployment" not in skills
    order = ids(result)
    top5 = order[:5]
    assert (
        sum(BANK.questions[q].topic in ("drift", "monitoring") or "drift" in BANK.questions[q].tags for q in top5) >= 2
    )
    assert "drift-tests-fraud-features" in order[:5]
    best_edge = min(order.index(q) for q in EDGE if q in order)
    drift_and_monitoring = [q for q in order if BANK.questions[q].topic in ("drift", "monitoring")]
    assert all(order.index(q) < best_edge for q in drift_and_monitoring)
    assert result.message is None
    # The why names the skill and the JD's own words.
    top = result.matches[0]
    assert top.why and '"' in top.why and BANK.questions[top.question_id].title == top.title


def test_edge_jd_puts_onnx_quantization_and_edge_on_top():
    result = ranked("edge-ml-engineer.md")
    assert {"edge-deployment", "model-optimisation"} <= {s.id for s in result.skills}
    top5 = ids(result)[:5]
    assert "quantize-vision-model-jetson" in top5[:2]
    assert all(q in EDGE or BANK.questions[q].topic == "model-formats" for q in top5)


def test_platform_jd_puts_terraform_kubernetes_and_containers_on_top():
    result = ranked("ml-platform-engineer.md")
    order = ids(result)
    terraform = {"terraform-serving-stack-dev-staging-prod", "terraform-plan-drift-nobody-made"}
    assert set(order[:2]) == terraform
    assert "infrastructure-as-code" not in {g.id for g in result.gaps}
    # The two Terraform questions rank 1st and 2nd; below them, Kubernetes and containers lead as before.
    rest = [q for q in order if q not in terraform]
    assert sum(BANK.questions[q].topic in ("orchestration-scaling", "containers") for q in rest[:5]) >= 3
    assert "helm-rolling-update-slow-loading-model" in rest[:8]
    assert not set(order[:10]) & EDGE


def test_llm_serving_jd_ranks_llm_and_gpu_serving_on_top():
    result = ranked("llm-serving-engineer.md")
    order = ids(result)
    assert "self-host-70b-chat-model-vllm" in order[:3]
    assert BANK.questions[order[0]].topic == "llm-serving"
    assert "llm-serving" not in {g.id for g in result.gaps}
    gpu = {
        "dynamic-batching-gpu-classifier",
        "gpu-autoscaling-spiky-traffic",
        "dedicated-model-server-for-mixed-gpu-models",
    }
    # Two llm-serving questions now rank above them; among the rest the GPU questions lead as before.
    rest = [q for q in order if BANK.questions[q].topic != "llm-serving"]
    assert len(gpu & set(rest[:6])) >= 2
    assert not set(order[:5]) & EDGE


def test_serverless_jd_ranks_serverless_questions_on_top_and_has_no_gap():
    result = ranked("serverless-ml-engineer.md")
    assert result.skills[0].id == "serverless"
    top3 = ids(result)[:3]
    assert {"serverless-summariser-cold-starts", "move-model-api-to-serverless"} <= set(top3)
    assert "serverless" not in {g.id for g in result.gaps}


def test_data_labelling_jd_has_a_labelling_gap_and_deployment_matches():
    result = ranked("ml-engineer-data-labelling.md")
    assert result.skills[0].id == "data-labelling"
    assert "data-labelling" in {g.id for g in result.gaps}
    assert len(result.matches) >= 5 and result.message is None


def test_a_jd_about_nothing_deployment_says_so():
    result = ranked("marketing-manager.txt")
    assert len(result.skills) <= 1
    assert result.message and "few or no model-deployment skills" in result.message
    assert len(result.matches) <= 5


def test_the_thin_ranking_message_speaks_of_a_ranking_only_when_there_is_one():
    """Before: "the ranking below is thin" with nothing below it."""
    nothing = ranked("marketing-manager.txt")
    assert not nothing.matches and "below" not in nothing.message
    assert "no question in the bank matches it" in nothing.message
    one = tailor.rank("We are hiring a data analyst who knows Docker well and writes weekly Excel reports.", BANK)
    assert len(one.skills) == 1 and one.matches and "the ranking below is thin" in one.message


def test_nice_to_have_counts_less_than_required():
    required = "Requirements\n- Docker images\n- Kafka streaming for real-time events\n"
    nice = "Requirements\n- Docker images\nNice to have\n- Kafka streaming for real-time events\n"
    as_required = {s.id: s for s in tailor.find_skills(required)}["streaming"]
    as_nice = {s.id: s for s in tailor.find_skills(nice)}["streaming"]
    assert as_nice.weight < as_required.weight and as_nice.nice_to_have and not as_required.nice_to_have


def test_pack_questions_are_ranked_too(write_bank, tmp_path):
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "mine.yaml").write_text(
        "pack: {name: mine}\nquestions:\n  - id: terraform-drift\n    title: Terraform plan shows changes nobody made\n"
        "    prompt: Your Terraform plan for the model serving stack shows changes. What do you do?\n"
        "    topic: iac\n    difficulty: medium\n    rubric: canary-vs-blue-green\n    tags: [terraform]\n"
        "    model_answer: Check state drift, import or revert, lock state, review in CI.\n"
    )
    bank = load_bank(packs=packs)
    assert "terraform-drift" in bank.questions, bank.problems
    result = tailor.rank(tailor.read_file(JDS / "ml-platform-engineer.md"), bank)
    match = next(m for m in result.matches if m.question_id == "terraform-drift")
    assert "infrastructure-as-code" in match.skills and "Infrastructure as code" in match.why
    assert "infrastructure-as-code" not in {g.id for g in result.gaps}


def test_semantic_signal_keeps_the_ranking_sensible():
    from interviewer.graders import embeddings

    try:
        emb = embeddings.get()
    except embeddings.EmbeddingsUnavailable as exc:
        pytest.skip(str(exc))
    result = ranked("fraud-ml-engineer.md", embedder=emb)
    order = ids(result)
    assert "drift-tests-fraud-features" in order[:6]
    assert min(order.index(q) for q in EDGE if q in order) > 10
    assert "worded much like the job description" in " ".join(m.why for m in result.matches)


# --- reading files -----------------------------------------------------------------------------------


def _pdf(text: str | None) -> bytes:
    """A one-page PDF with `text` drawn in Helvetica (or no text at all)."""
    return pdf([text_page(text) if text else b""])


def test_pdf_text_is_read(tmp_path):
    path = tmp_path / "jd.pdf"
    path.write_bytes(_pdf("We need Kubernetes autoscaling and drift monitoring for our fraud models."))
    text = tailor.read_file(path)
    assert "Kubernetes autoscaling" in text
    assert {"kubernetes", "drift-monitoring"} <= {s.id for s in tailor.find_skills(text)}


def test_pdf_text_is_read_while_a_page_script_is_main(tmp_path, monkeypatch):
    """Inside Streamlit the `__main__` module is the page being run; the PDF worker must not re-run it (a
    multiprocessing child did, and died: every PDF upload failed after the first AppTest in a process)."""
    import sys
    import types

    page = tmp_path / "page.py"
    page.write_text("raise SystemExit('a page script ran in the PDF worker')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    path = tmp_path / "jd.pdf"
    path.write_bytes(_pdf("We need Kubernetes autoscaling and drift monitoring for our fraud models."))
    assert "Kubernetes autoscaling" in tailor.read_file(path)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", _pdf(None), "no text layer (a scanned PDF?)"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("jd.docx", b"PK\x03\x04 whatever", "expected a .txt, .md or .pdf file"),
        ("empty.txt", b"   \n", "empty or too short"),
        ("latin1.txt", "Ingénieur MLOps ".encode("latin-1") * 10, "not UTF-8 text"),
        ("huge.md", b"x" * (tailor.MAX_BYTES + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_files_give_clear_errors(name, data, message):
    with pytest.raises(tailor.TailorError, match=re.escape(message)):
        tailor.read_bytes(data, name)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(tailor.TailorError, match="cannot read"):
        tailor.read_file(tmp_path / "nope.txt")


# --- CLI -----------------------------------------------------------------------------------------------


def test_cli_tailor_json_and_text(capsys):
    assert main(["tailor", "--jd-file", str(JDS / "edge-ml-engineer.md"), "--top", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["matches"]) == 3 and data["matches"][0]["question_id"] == "quantize-vision-model-jetson"
    assert "edge-deployment" in {s["id"] for s in data["skills"]}
    assert main(["tailor", "--jd-file", str(JDS / "llm-serving-engineer.md"), "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "Skills asked for" in out and "1. " in out and "why:" in out and "LLM serving" in out
    assert "Gaps" not in out  # the bank has llm-serving questions now
    assert main(["tailor", "--jd-file", str(JDS / "serverless-ml-engineer.md"), "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "Gaps" not in out and "serverless-summariser-cold-starts" in out  # the bank has serverless questions now
    assert main(["tailor", "--jd-file", str(JDS / "ml-engineer-data-labelling.md"), "--top", "2"]) == 0
    assert "Gaps" in (out := capsys.readouterr().out) and "Data labelling and human-in-the-loop: best coverage" in out


def test_cli_tailor_reads_stdin_and_reports_errors(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO((JDS / "fraud-ml-engineer.md").read_text()))
    assert main(["tailor", "-", "--top", "1"]) == 0
    assert "1. " in capsys.readouterr().out
    assert main(["tailor", "--jd-file", "/nonexistent/jd.txt"]) == 1
    assert capsys.readouterr().err.startswith("error: cannot read")
