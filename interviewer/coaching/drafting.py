"""Draft scenario questions and rubrics for the skills a job description asks for and the bank lacks,
through the configured OpenAI-compatible server. No Streamlit here.

The model fills a small JSON shape (constrained by a schema when the server allows it); code turns it
into bank YAML (ids, anchors, keyword groups) and validates that text exactly as the bank is validated,
beside the built-in bank and the user's packs so id clashes are caught. One re-ask with the problems;
then a clear DraftError (a refusal), never a crash. Nothing is saved until the user accepts drafts.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from ..config import Settings
from ..content import packs
from ..content.bank import DEFAULT_ROOT, load_paths
from ..errors import UserError
from ..llm_client import LLMClient, LLMError, ReplyInvalid
from ..models import PackInfo, Question, Rubric
from .tailor import Gap

PACK_FILE = "tailored.yaml"
PACK = PackInfo(name="tailored", title="Tailored to your job descriptions", version=1)
PROMPT_VERSION = "draft-v1"
SYSTEM = (
    "You write interview questions for ML deployment and MLOps interviews. For each skill asked, write one "
    "realistic production scenario question, a model answer a strong candidate would give, and 2-3 grading "
    "criteria, each with 1-3 key points and a few short keywords that show the point was made. JSON only."
)
ANCHORS = {
    0: "Does not address this.",
    1: "Mentions it vaguely, without specifics.",
    2: "Covers some of the key points.",
    3: "Covers the key points with a concrete plan.",
    4: "Covers every key point precisely, with trade-offs.",
}


class DraftError(UserError):
    """No valid drafts: the server failed, or its output stayed invalid after a re-ask."""

    def __init__(self, message: str, raw_output: str | None = None):
        super().__init__(message)
        self.raw_output = raw_output


class PointOut(BaseModel):
    text: str = Field(min_length=3, max_length=300)
    keywords: list[str] = Field(min_length=1, max_length=6)


class CriterionOut(BaseModel):
    name: str = Field(min_length=3, max_length=80)
    description: str = Field(min_length=3, max_length=300)
    key_points: list[PointOut] = Field(min_length=1, max_length=4)


class DraftOut(BaseModel):
    skill: str
    title: str = Field(min_length=5, max_length=120)
    prompt: str = Field(min_length=20, max_length=1200)
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    model_answer: str = Field(min_length=40, max_length=3000)
    criteria: list[CriterionOut] = Field(min_length=2, max_length=4)


class DraftsOut(BaseModel):
    questions: list[DraftOut] = Field(min_length=1)


class Draft(BaseModel):
    """One drafted question with its own rubric, ready to review."""

    skill: str
    question: Question
    rubric: Rubric


def output_schema(skills: list[str]) -> dict[str, Any]:
    def text(lo: int, hi: int) -> dict[str, Any]:
        # llama.cpp unrolls a length limit into nested grammar rules and fails to parse its own grammar
        # past a few hundred characters (the server then dies), so long texts are only checked in code.
        return {"type": "string", "maxLength": hi} if hi <= 200 else {"type": "string"}

    def obj(props: dict[str, Any]) -> dict[str, Any]:
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}

    point = obj(
        {"text": text(3, 200), "keywords": {"type": "array", "items": text(2, 30), "minItems": 1, "maxItems": 4}}
    )
    criterion = obj(
        {
            "name": text(3, 60),
            "description": text(3, 200),
            "key_points": {"type": "array", "items": point, "minItems": 1, "maxItems": 3},
        }
    )
    draft = obj(
        {
            "skill": {"type": "string", "enum": skills},
            "title": text(5, 100),
            "prompt": text(20, 500),
            "difficulty": {"type": "string", "enum": ["easy", "medium", "hard"]},
            "model_answer": text(40, 1200),
            "criteria": {"type": "array", "items": criterion, "minItems": 2, "maxItems": 3},
        }
    )
    return obj({"questions": {"type": "array", "items": draft, "minItems": 1, "maxItems": len(skills)}})


def slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "question"


def to_entries(out: DraftOut, topic_of: dict[str, str]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The skill, question and rubric entries of one draft. Code decides ids, weights and anchors;
    the model only writes the words."""
    qid = f"jd-{slug(out.skill, 24)}-{slug(out.title, 40)}"
    criteria = [
        {
            "id": slug(c.name, 40),
            "name": c.name,
            "weight": 1,
            "description": c.description,
            "must_have": [
                {"text": p.text, "keywords": [[k.strip() for k in p.keywords if k.strip()]]} for p in c.key_points
            ],
            "anchors": ANCHORS,
        }
        for c in out.criteria
    ]
    question = {
        "id": qid,
        "title": out.title,
        "prompt": out.prompt,
        "topic": topic_of.get(out.skill, slug(out.skill)),
        "difficulty": out.difficulty,
        "rubric": qid,
        "tags": ["tailored", out.skill],
        "model_answer": out.model_answer,
    }
    return out.skill, question, {"id": qid, "version": 1, "title": out.title, "criteria": criteria}


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


Entry = tuple[str, dict[str, Any], dict[str, Any]]


def validate(entries: list[Entry], packs: Path | None, root: Path = DEFAULT_ROOT) -> tuple[list[Draft], list[str]]:
    """The drafts that load cleanly beside the bank and the packs, and `path:line: field: message` problems
    for the rest (exactly the bank's own validation, so an id already in the bank or a pack is caught)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "drafts.yaml"
        path.write_text(_yaml({"questions": [e[1] for e in entries], "rubrics": [e[2] for e in entries]}), "utf-8")
        bank = load_paths([root / "questions", root / "rubrics", *([packs] if packs else []), path])
    mine = [p for p in bank.problems if p.path == str(path)]
    valid = []
    for i, (skill, question, _) in enumerate(entries):
        broken = any(p.field.startswith((f"questions[{i}]", f"rubrics[{i}]")) for p in mine)
        if not broken and question["id"] in bank.questions:
            q = bank.questions[question["id"]]
            valid.append(Draft(skill=skill, question=q, rubric=bank.rubrics[q.rubric]))
    return valid, [str(p).replace(str(path), "drafts.yaml") for p in mine]


def _parse(raw: str, asked: set[str], topic_of: dict[str, str], packs: Path | None) -> tuple[list[Draft], list[str]]:
    text = raw.strip()
    if not text.startswith("{") and "{" in text:
        text = text[text.index("{") : text.rfind("}") + 1]
    try:
        out = DraftsOut.model_validate(json.loads(text, strict=False))
    except json.JSONDecodeError as exc:
        return [], [f"not valid JSON ({exc.msg} at position {exc.pos})"]
    except ValidationError as exc:
        first = exc.errors()[0]
        return [], [f"wrong shape: {'.'.join(map(str, first['loc']))}: {first['msg']}"]
    unknown = [d.skill for d in out.questions if d.skill not in asked]
    if unknown:
        return [], [f"skills {unknown} were not asked for; use only {sorted(asked)}"]
    return validate([to_entries(d, topic_of) for d in out.questions], packs)


def draft_questions(
    gaps: list[Gap], settings: Settings, *, packs: Path | None = None, client=None, max_tokens: int = 2048
) -> tuple[list[Draft], list[str]]:
    """Drafts for up to three gap skills, and the problems of any drafts left out. Raises DraftError."""
    from .tailor import load_skills

    gaps = gaps[:3]
    if not gaps:
        raise DraftError("no gaps to draft questions for")
    if not settings.llm_configured:
        raise DraftError("drafting questions needs an LLM; set one up on the Settings page")
    skills = {s.id: s for s in load_skills()}
    topic_of = {g.id: (skills[g.id].topics or [g.id])[0] for g in gaps}
    asked = {g.id for g in gaps}
    wanted = "\n".join(f'- skill "{g.id}": {g.name}' for g in gaps)
    messages = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Write one question for each of these skills:\n{wanted}"},
    ]

    def parse(raw: str) -> tuple[list[Draft], list[str]]:
        drafts, problems = _parse(raw, asked, topic_of, packs)
        if not drafts:
            raise ReplyInvalid("; ".join(problems[:5]))
        return drafts, problems

    try:
        reply = LLMClient.from_settings(settings, client=client).complete_json(
            messages,
            schema=output_schema(sorted(asked)),
            parse=parse,
            name="drafts",
            max_reasks=1,
            what="question drafts",
            temperature=0.3,
            seed=7,
            max_tokens=max_tokens,
        )
    except LLMError as exc:
        raise DraftError(str(exc), raw_output=exc.raw_output) from None
    return reply.value


def save_drafts(drafts: list[Draft], packs_dir: Path, root: Path = DEFAULT_ROOT) -> Path:
    """Append accepted drafts to the `tailored` pack (created if missing), re-validated as a whole like any
    pack import and written atomically; its version goes up by one on every save."""
    if not drafts:
        raise DraftError("no drafts accepted")
    path = packs_dir / PACK_FILE
    content = packs.PackContent(pack=PACK)
    if path.exists():
        try:
            content = packs.read_pack(path)
        except packs.PackError as exc:
            raise DraftError(f"{path} cannot be read, so nothing was saved: {exc}") from None
        content.pack = content.pack.model_copy(update={"version": content.pack.version + 1})
    content.questions += [d.question for d in drafts]
    content.rubrics += [d.rubric for d in drafts]
    text = packs.dumps(content)
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / PACK_FILE
        candidate.write_text(text, encoding="utf-8")
        problems = packs.validate(candidate, packs_dir, root, shown=str(path))
    if problems:
        raise DraftError("the pack would not be valid, so nothing was saved: " + "; ".join(map(str, problems[:3])))
    packs.write_atomic(path, text.encode("utf-8"))
    return path
