"""The LLM grader: any OpenAI-compatible server (OpenAI, Ollama, llama.cpp, vLLM, LM Studio) via the openai SDK.

One request per answer through `llm_client`: the reply is constrained by a per-rubric JSON schema when the
server supports it, validated with pydantic, and re-asked with the error at most twice. Levels come from the
model; quotes are verified and unsupported levels capped in code; the score is computed in code.
"""

from __future__ import annotations

import time

from openai import OpenAI

from ..config import Settings, load_settings
from ..llm_client import LLMClient, LLMError
from ..models import CriterionGrade, Evidence, Grade, Provenance, Question, Rubric
from . import evidence
from .base import Grader, GradingError, asked_text, register
from .keyword import enforce, pick_follow_up
from .llm_prompt import MAX_MISSED, MAX_QUOTES, PROMPT_VERSION, build_messages, json_schema, parse_output


@register
class LLMGrader(Grader):
    name = "llm"
    needs_server = True
    offline = False
    writes_follow_up = True

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        client: OpenAI | None = None,
        max_tokens: int = 1024,
        seed: int = 7,
        max_reasks: int = 2,
    ):
        self.settings = settings or load_settings()
        self.llm = LLMClient.from_settings(self.settings, client=client)
        self.max_tokens, self.seed, self.max_reasks = max_tokens, seed, max_reasks

    @classmethod
    def unavailable(cls, settings: Settings) -> str | None:
        return (
            None if settings.llm_configured else "no LLM server is configured (Settings, or INTERVIEWER_LLM_BASE_URL)"
        )

    @property
    def model(self) -> str | None:
        return self.llm.model

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        started = time.monotonic()
        try:
            reply = self.llm.complete_json(
                build_messages(question, rubric, answer, schema_hint=False),
                schema=json_schema(rubric),
                parse=lambda raw: parse_output(raw, rubric),
                name="grade",
                plain_messages=lambda: build_messages(question, rubric, answer, schema_hint=True),
                max_reasks=self.max_reasks,
                what="grade",
                temperature=0,
                seed=self.seed,
                max_tokens=self.max_tokens,
            )
        except LLMError as exc:
            raise GradingError(str(exc), raw_output=exc.raw_output) from None
        output = reply.value
        criteria = []
        for c in rubric.criteria:
            out = output.criteria[c.id]
            graded = CriterionGrade(
                id=c.id,
                name=c.name,
                level=out.level,
                weight=c.weight,
                evidence=[Evidence(quote=q.strip()) for q in out.quotes[:MAX_QUOTES] if q.strip()],
                missed=[m.strip()[:200] for m in out.missed[:MAX_MISSED] if m.strip()],
            )
            checked = evidence.check(graded, c, answer)
            if checked.level == 1 and not any(e.verified and e.relevant for e in checked.evidence):
                # A model's word alone earns nothing: level 1 too needs a quote that is in the answer.
                checked = checked.model_copy(update={"level": 0, "notes": [*checked.notes, "no supporting quote"]})
            criteria.append(checked)
        criteria = enforce(rubric, criteria, answer, asked_text(question))
        return Grade(
            question_id=question.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            grader=self.name,
            model=reply.model,
            criteria=criteria,
            summary=output.summary.strip()[:600],
            follow_up=output.follow_up.strip()[:400] or pick_follow_up(question, rubric, criteria),
            provenance=Provenance(
                host=self.llm.host,
                prompt_version=f"{PROMPT_VERSION}/{reply.format}",
                raw_output=reply.raw_output,
                latency_ms=round((time.monotonic() - started) * 1000, 1),
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
            ),
        )
