"""LLM-drafted questions for gap skills: through the fake server (faults) and the real local server."""

from __future__ import annotations

import json

import pytest
import yaml

from interviewer.coaching import drafting
from interviewer.coaching.tailor import Gap
from interviewer.config import load_settings
from interviewer.content.bank import load_bank

from .fake_llm import FakeLLMServer

GAPS = [Gap(id="llm-serving", name="LLM serving", weight=1.0, best_coverage=0.35)]
DRAFT = {
    "skill": "llm-serving",
    "title": "Serving a 7B chat model under a latency budget",
    "prompt": "Your team must serve a 7B open-weight chat model to 200 concurrent users with a p95 time to "
    "first token under 500 ms. How do you serve it?",
    "difficulty": "medium",
    "model_answer": "I'd use vLLM with continuous batching and paged attention, quantize to AWQ 4-bit, "
    "autoscale replicas on queue depth, and watch time to first token and tokens per second.",
    "criteria": [
        {
            "name": "Serving engine",
            "description": "Chooses an engine with continuous batching.",
            "key_points": [
                {"text": "Uses continuous batching (vLLM, TGI)", "keywords": ["vllm", "continuous batching"]}
            ],
        },
        {
            "name": "Latency metrics",
            "description": "Names the LLM latency metrics.",
            "key_points": [{"text": "Time to first token and tokens per second", "keywords": ["first token", "ttft"]}],
        },
    ],
}


def reply(*drafts: dict) -> tuple:
    return ("ok", json.dumps({"questions": list(drafts)}))


def settings(base_url: str, timeout: str = "5"):
    return load_settings({"INTERVIEWER_LLM_BASE_URL": base_url, "INTERVIEWER_LLM_TIMEOUT": timeout})


def test_valid_drafts_pass_bank_validation(tmp_path):
    with FakeLLMServer() as fake:
        fake.enqueue(reply(DRAFT))
        drafts, problems = drafting.draft_questions(GAPS, settings(fake.base_url), packs=tmp_path)
    assert problems == []
    (draft,) = drafts
    assert draft.question.id == "jd-llm-serving-serving-a-7b-chat-model-under-a-latency"
    assert draft.rubric.id == draft.question.rubric and len(draft.rubric.criteria) == 2
    assert draft.rubric.criteria[0].must_have[0].keywords == [["vllm", "continuous batching"]]
    sent = fake.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == drafting.output_schema(["llm-serving"])


def test_garbage_then_valid_is_reasked_once():
    with FakeLLMServer() as fake:
        fake.enqueue(("ok", "Sure! Here are some questions: {not json"), reply(DRAFT))
        drafts, _ = drafting.draft_questions(GAPS, settings(fake.base_url))
    assert len(drafts) == 1
    assert "That reply was invalid: not valid JSON" in fake.requests[1]["messages"][-1]["content"]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (("ok", "nope"), ("ok", "still nope"), "not valid JSON"),
        (reply({**DRAFT, "criteria": []}), reply({"title": "x"}), "wrong shape"),
        (reply({**DRAFT, "skill": "docker"}), reply({**DRAFT, "skill": "docker"}), "were not asked for"),
        (("ok", json.dumps({"questions": [DRAFT]}), "length"), ("ok", "{", "length"), "cut off at the token limit"),
    ],
)
def test_invalid_output_twice_is_a_clear_refusal(first, second, message):
    with FakeLLMServer() as fake:
        fake.enqueue(first, second)
        with pytest.raises(drafting.DraftError, match=message) as info:
            drafting.draft_questions(GAPS, settings(fake.base_url))
    assert "gave no valid question drafts after 2 tries" in str(info.value)
    assert len(fake.requests) == 2


def test_server_errors_are_explained():
    with FakeLLMServer() as fake:
        fake.enqueue(*[("status", 500)] * 3)
        with pytest.raises(drafting.DraftError, match=r"answered HTTP 500"):
            drafting.draft_questions(GAPS, settings(fake.base_url))
    with pytest.raises(drafting.DraftError, match=r"cannot connect to 127\.0\.0\.1:9"):
        drafting.draft_questions(GAPS, settings("http://127.0.0.1:9/v1"))


def test_rejected_json_schema_falls_back_to_json_object():
    with FakeLLMServer() as fake:
        fake.enqueue(("status", 400), reply(DRAFT))
        drafts, _ = drafting.draft_questions(GAPS, settings(fake.base_url))
    assert len(drafts) == 1
    assert fake.requests[1]["response_format"]["type"] == "json_object"
    assert fake.requests[1]["response_format"]["schema"]["required"] == ["questions"]


def test_no_llm_or_no_gaps_is_refused():
    with pytest.raises(drafting.DraftError, match="needs an LLM"):
        drafting.draft_questions(GAPS, load_settings({}))
    with pytest.raises(drafting.DraftError, match="no gaps"):
        drafting.draft_questions([], load_settings({}))


def test_id_clash_with_a_saved_question_is_a_problem(tmp_path):
    with FakeLLMServer() as fake:
        fake.enqueue(reply(DRAFT))
        drafts, _ = drafting.draft_questions(GAPS, settings(fake.base_url), packs=tmp_path)
        drafting.save_drafts(drafts, tmp_path)
        fake.enqueue(reply(DRAFT), reply(DRAFT))  # the same question again, twice
        with pytest.raises(drafting.DraftError, match=r"drafts.yaml:\d+: questions\[0\]\.id: duplicate question id"):
            drafting.draft_questions(GAPS, settings(fake.base_url), packs=tmp_path)


def test_a_clash_with_the_built_in_bank_is_caught_by_validation():
    skill, question, rubric = drafting.to_entries(drafting.DraftOut.model_validate(DRAFT), {})
    question = {**question, "id": "canary-vs-blue-green"}
    valid, problems = drafting.validate([(skill, question, rubric)], None)
    assert valid == []
    assert any("duplicate question id 'canary-vs-blue-green'" in p for p in problems)


def test_save_drafts_appends_bumps_version_and_reloads(tmp_path):
    other = {**DRAFT, "title": "Cutting GPU cost per token for a chat model"}
    with FakeLLMServer() as fake:
        fake.enqueue(reply(DRAFT), reply(other))
        first, _ = drafting.draft_questions(GAPS, settings(fake.base_url), packs=tmp_path)
        path = drafting.save_drafts(first, tmp_path)
        second, _ = drafting.draft_questions(GAPS, settings(fake.base_url), packs=tmp_path)
        drafting.save_drafts(second, tmp_path)
    data = yaml.safe_load(path.read_text())
    assert path.name == "tailored.yaml"
    assert data["pack"] == {"name": "tailored", "title": "Tailored to your job descriptions", "version": 2}
    assert [q["id"] for q in data["questions"]] == [first[0].question.id, second[0].question.id]
    assert not list(tmp_path.glob(".tailored-*"))  # no temp file left behind
    bank = load_bank(packs=tmp_path)
    assert bank.problems == []
    assert bank.pack(second[0].question.id).version == 2
    assert bank.questions[first[0].question.id].topic == "llm-serving"


def test_save_refuses_to_overwrite_a_damaged_pack(tmp_path):
    (tmp_path / "tailored.yaml").write_text("pack: [unclosed\n")
    with FakeLLMServer() as fake:
        fake.enqueue(reply(DRAFT))
        drafts, _ = drafting.draft_questions(GAPS, settings(fake.base_url))
    with pytest.raises(drafting.DraftError, match="cannot be read, so nothing was saved"):
        drafting.save_drafts(drafts, tmp_path)
    assert (tmp_path / "tailored.yaml").read_text() == "pack: [unclosed\n"


def test_real_local_server_drafts_valid_questions_or_refuses_clearly(llm_server, tmp_path):
    """SmolLM2-135M under a schema: either drafts that pass the bank's validation, or a clear refusal."""
    try:
        drafts, _ = drafting.draft_questions(GAPS, settings(llm_server, "180"), packs=tmp_path, max_tokens=1200)
    except drafting.DraftError as exc:
        assert "gave no valid question drafts after 2 tries" in str(exc), exc
        return
    assert drafts
    for d in drafts:
        assert d.question.id.startswith("jd-llm-serving-") and d.skill == "llm-serving"
    drafting.save_drafts(drafts, tmp_path)
    assert load_bank(packs=tmp_path).problems == []
