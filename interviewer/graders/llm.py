"""The LLM grader: any OpenAI-compatible server (OpenAI, Ollama, llama.cpp, vLLM, LM Studio) via the openai SDK.

One request per answer. The reply is constrained by a per-rubric JSON schema when
the server supports it (negotiated once per server), validated with pydantic, and
re-asked with the error at most twice. Levels come from the model; quotes are
verified and unsupported levels capped in code; the score is computed in code.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar
from urllib.parse import urlparse

import openai
from openai import OpenAI

from ..config import Settings, load_settings
from ..models import CriterionGrade, Evidence, Grade, Provenance, Question, Rubric
from . import evidence
from .base import Grader, GradingError, register
from .keyword import pick_follow_up
from .llm_prompt import MAX_MISSED, MAX_QUOTES, PROMPT_VERSION, OutputError, build_messages, json_schema, parse_output

PRESETS = {
    "OpenAI": "https://api.openai.com/v1",
    "Ollama": "http://localhost:11434/v1",
    "llama.cpp server": "http://localhost:8080/v1",
    "vLLM": "http://localhost:8000/v1",
    "LM Studio": "http://localhost:1234/v1",
}
# Best first: strict json_schema; llama.cpp's json_object with a schema; plain instructions.
FORMATS = ("json_schema", "json_object_schema", "plain")


def host_of(base_url: str) -> str:
    """Host and port only: never credentials that may sit in a URL."""
    parsed = urlparse(base_url)
    return f"{parsed.hostname}:{parsed.port}" if parsed.port else (parsed.hostname or base_url)


def response_format(fmt: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The `response_format` for one of FORMATS (shared with question drafting)."""
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if fmt == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    return None


def _response_format(fmt: str, rubric: Rubric) -> dict[str, Any] | None:
    return response_format(fmt, json_schema(rubric), "grade")


def format_rejected(exc: openai.APIStatusError) -> bool:
    """Did the server refuse the response format (rather than fail)? 400/422 say so; llama.cpp's
    Python server answers 500 with a validation message naming response_format."""
    if exc.status_code in (400, 422):
        return True
    return exc.status_code == 500 and "response_format" in str(exc.message)


def explain(exc: openai.OpenAIError, host: str, timeout: float) -> str:
    """Plain words for what went wrong talking to a server."""
    if isinstance(exc, openai.APITimeoutError):
        return f"the server at {host} did not answer within {timeout:g} s"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to {host} (is the server running?)"
    if isinstance(exc, openai.AuthenticationError):
        return f"{host} refused the API key (401); check INTERVIEWER_LLM_API_KEY"
    if isinstance(exc, openai.RateLimitError):
        return f"{host} kept answering 429 Too Many Requests"
    if isinstance(exc, openai.NotFoundError):
        return f"{host} answered 404: wrong base URL or unknown model"
    if isinstance(exc, openai.APIStatusError):
        detail = f" ({exc.message[:160]})" if exc.status_code in (400, 422) else ""
        return f"{host} answered HTTP {exc.status_code}{detail}"
    return f"{type(exc).__name__} talking to {host}"


def list_models(base_url: str, api_key: str | None = None, timeout: float = 10) -> list[str]:
    """The server's models; raises GradingError in plain words. Backs the Settings page's 'Test connection'."""
    client = OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0)
    try:
        return sorted(m.id for m in client.models.list())
    except openai.OpenAIError as exc:
        raise GradingError(explain(exc, host_of(base_url), timeout)) from None


def make_client(settings: Settings, max_retries: int = 2) -> tuple[OpenAI, str]:
    """A client for the configured server (OpenAI when none is set) and its base URL."""
    base_url = settings.llm_base_url or PRESETS["OpenAI"]
    key = settings.api_key()
    client = OpenAI(
        base_url=base_url, api_key=key or "not-needed", timeout=settings.llm_timeout, max_retries=max_retries
    )
    return client, base_url


def first_model(client: OpenAI, host: str, timeout: float) -> str:
    """A local server usually serves one model; use it rather than make the user type its name."""
    try:
        models = sorted(m.id for m in client.models.list())
    except openai.OpenAIError as exc:
        raise GradingError(explain(exc, host, timeout)) from None
    if not models:
        raise GradingError(f"{host} lists no models; set INTERVIEWER_LLM_MODEL")
    return models[0]


@register
class LLMGrader(Grader):
    name = "llm"
    needs_server = True
    # Which response format each server accepted, so later requests skip the failed tries.
    negotiated: ClassVar[dict[tuple[str, str], str]] = {}

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
        made, self.base_url = make_client(self.settings)
        self.host = host_of(self.base_url)
        self.timeout = self.settings.llm_timeout
        self.client = client or made
        self.model = self.settings.llm_model
        self.max_tokens, self.seed, self.max_reasks = max_tokens, seed, max_reasks

    def _model(self) -> str:
        if not self.model:
            self.model = first_model(self.client, self.host, self.timeout)
        return self.model

    def _create(self, model: str, messages: list[dict[str, str]], fmt: str, rubric: Rubric) -> Any:
        kwargs: dict[str, Any] = {}
        response_format = _response_format(fmt, rubric)
        if response_format is not None:
            kwargs["response_format"] = response_format
        return self.client.chat.completions.create(
            model=model, messages=messages, temperature=0, seed=self.seed, max_tokens=self.max_tokens, **kwargs
        )

    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        started = time.monotonic()
        model = self._model()
        key = (self.base_url, model)
        fmt = self.negotiated.get(key, FORMATS[0])
        # Constrained decoding enforces the shape; only plain mode needs it spelled out (fewer tokens).
        messages = build_messages(question, rubric, answer, schema_hint=fmt == "plain")
        usage = {"prompt_tokens": 0, "completion_tokens": 0}
        reasks = 0
        while True:
            try:
                response = self._create(model, messages, fmt, rubric)
            except openai.APIStatusError as exc:
                if fmt == FORMATS[-1] or not format_rejected(exc):
                    raise GradingError(explain(exc, self.host, self.timeout)) from None
                fmt = FORMATS[FORMATS.index(fmt) + 1]
                messages = build_messages(question, rubric, answer, schema_hint=fmt == "plain")
                continue
            except openai.OpenAIError as exc:
                raise GradingError(explain(exc, self.host, self.timeout)) from None
            except ValueError:  # the SDK could not decode the body at all
                raise GradingError(f"{self.host} sent a reply that is not an OpenAI-compatible response") from None
            self.negotiated[key] = fmt
            if response.usage:
                usage["prompt_tokens"] += response.usage.prompt_tokens or 0
                usage["completion_tokens"] += response.usage.completion_tokens or 0
            choice = response.choices[0] if response.choices else None
            raw = (choice.message.content or "") if choice else ""
            try:
                if choice is None or choice.finish_reason == "length":
                    raise OutputError("the reply was cut off at the token limit; keep quotes and lists short")
                output = parse_output(raw, rubric)
                break
            except OutputError as exc:
                if reasks >= self.max_reasks:
                    raise GradingError(
                        f"{model} gave no valid grade after {reasks + 1} tries ({exc})", raw_output=raw
                    ) from None
                reasks += 1
                messages = [
                    *messages,
                    {"role": "assistant", "content": raw[:4000]},
                    {"role": "user", "content": f"That reply was invalid: {exc}. Reply with only the corrected JSON."},
                ]

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
            criteria.append(evidence.check(graded, c, answer))
        return Grade(
            question_id=question.id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            grader=self.name,
            model=model,
            criteria=criteria,
            summary=output.summary.strip()[:600],
            follow_up=output.follow_up.strip()[:400] or pick_follow_up(question, rubric, criteria),
            provenance=Provenance(
                host=self.host,
                prompt_version=f"{PROMPT_VERSION}/{fmt}",
                raw_output=raw,
                latency_ms=round((time.monotonic() - started) * 1000, 1),
                **usage,
            ),
        )
