"""The one place that talks to OpenAI-compatible servers (OpenAI, Ollama, llama.cpp, vLLM, LM Studio).

Client creation, model listing, server errors in plain words, response-format negotiation and one
validate-then-re-ask loop: the LLM grader, question drafting, read-aloud (TTS) and the Settings page all go
through it. Servers differ in the JSON modes they accept, so the best one each server takes is found once
(strict `json_schema`, llama.cpp's `json_object` with a schema, then plain instructions) and remembered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import openai
from openai import OpenAI

from .config import DEFAULT_BASE_URL, Settings, host_of
from .errors import UserError
from .redact import redact, remember

PRESETS = {
    "OpenAI": DEFAULT_BASE_URL,
    "Ollama": "http://localhost:11434/v1",
    "llama.cpp server": "http://localhost:8080/v1",
    "vLLM": "http://localhost:8000/v1",
    "LM Studio": "http://localhost:1234/v1",
}
# Best first: strict json_schema; llama.cpp's json_object with a schema; plain instructions.
FORMATS = ("json_schema", "json_object_schema", "plain")
# Which format each (server, model) accepted, so later requests skip the refused ones.
negotiated: dict[tuple[str, str], str] = {}

T = TypeVar("T")


__all__ = ["PRESETS", "FailedTry", "LLMClient", "LLMError", "Reply", "ReplyInvalid", "host_of"]


class ReplyInvalid(ValueError):
    """A reply that does not parse or validate. Its message goes back to the model when re-asking."""


@dataclass
class FailedTry:
    raw_output: str
    problem: str

    def __post_init__(self) -> None:
        self.raw_output, self.problem = redact(self.raw_output) or "", redact(self.problem) or ""


class LLMError(UserError):
    """The server failed or never gave a valid reply. The message is safe to show; `tries` keeps every
    invalid reply and what was wrong with it, `raw_output` the last one (for the record, never shown as is).
    Both are redacted: a server may echo the key back."""

    def __init__(self, message: str, *, tries: list[FailedTry] | None = None):
        super().__init__(redact(message))
        self.tries = tries or []

    @property
    def raw_output(self) -> str | None:
        return self.tries[-1].raw_output if self.tries else None


@dataclass
class Reply(Generic[T]):
    value: T
    raw_output: str
    model: str
    format: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tries: list[FailedTry] = field(default_factory=list)


def response_format(fmt: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The `response_format` for one of FORMATS."""
    if fmt == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if fmt == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    return None


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
        # Redacted before it is cut short, so no part of an echoed key survives the cut.
        detail = f" ({(redact(exc.message) or '')[:160]})" if exc.status_code in (400, 422) else ""
        return f"{host} answered HTTP {exc.status_code}{detail}"
    return f"{type(exc).__name__} talking to {host}"


class LLMClient:
    """One configured server. `client` may be passed in (tests, or an SDK client made elsewhere)."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        model: str | None = None,
        timeout: float = 60,
        max_retries: int = 2,
        client: OpenAI | None = None,
    ):
        self.base_url = base_url or PRESETS["OpenAI"]
        self.host = host_of(self.base_url)
        self.timeout = timeout
        self.model = model
        remember(api_key)
        self.client = client or OpenAI(
            base_url=self.base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=max_retries
        )

    @classmethod
    def from_settings(cls, settings: Settings, *, max_retries: int = 2, client: OpenAI | None = None) -> LLMClient:
        return cls(
            settings.llm_base_url,
            settings.api_key(),
            model=settings.llm_model,
            timeout=settings.llm_timeout,
            max_retries=max_retries,
            client=client,
        )

    def error(self, exc: openai.OpenAIError) -> LLMError:
        return LLMError(explain(exc, self.host, self.timeout))

    def models(self) -> list[str]:
        """The server's models, sorted. Backs Settings' *Test connection*."""
        try:
            return sorted(m.id for m in self.client.models.list())
        except openai.OpenAIError as exc:
            raise self.error(exc) from None

    def model_name(self) -> str:
        """The configured model, else the first the server lists: a local server usually serves one, and the
        user should not have to type its name."""
        if not self.model:
            models = self.models()
            if not models:
                raise LLMError(f"{self.host} lists no models; set INTERVIEWER_LLM_MODEL")
            self.model = models[0]
        return self.model

    def complete_json(
        self,
        messages: list[dict[str, str]],
        *,
        schema: dict[str, Any],
        parse: Callable[[str], T],
        name: str = "reply",
        plain_messages: Callable[[], list[dict[str, str]]] | None = None,
        max_reasks: int = 2,
        what: str = "reply",
        **create: Any,
    ) -> Reply[T]:
        """Ask for JSON in the best format the server accepts, then `parse` the reply; on ReplyInvalid (or a
        reply cut off at the token limit) the problem goes back to the model, at most `max_reasks` times.

        `plain_messages` builds the messages for servers that accept no schema (default: the schema appended
        to the last message). `create` passes through to the SDK (temperature, seed, max_tokens).
        Raises LLMError carrying every failed try.
        """
        model = self.model_name()
        key = (self.base_url, model)
        fmt = negotiated.get(key, FORMATS[0])
        base = list(messages)
        convo = self._for_format(fmt, base, schema, plain_messages)
        tries: list[FailedTry] = []
        usage = [0, 0]
        while True:
            kwargs = dict(create)
            if (rf := response_format(fmt, schema, name)) is not None:
                kwargs["response_format"] = rf
            try:
                response = self.client.chat.completions.create(model=model, messages=convo, **kwargs)
            except openai.APIStatusError as exc:
                if fmt == FORMATS[-1] or not format_rejected(exc):
                    raise LLMError(explain(exc, self.host, self.timeout), tries=tries) from None
                fmt = FORMATS[FORMATS.index(fmt) + 1]
                convo = self._for_format(fmt, base, schema, plain_messages)
                continue
            except openai.OpenAIError as exc:
                raise LLMError(explain(exc, self.host, self.timeout), tries=tries) from None
            except ValueError:  # the SDK could not decode the body at all
                raise LLMError(f"{self.host} sent a reply that is not an OpenAI-compatible response") from None
            negotiated[key] = fmt
            if response.usage:
                usage[0] += response.usage.prompt_tokens or 0
                usage[1] += response.usage.completion_tokens or 0
            choice = response.choices[0] if response.choices else None
            raw = (choice.message.content or "") if choice else ""
            try:
                if choice is None or choice.finish_reason == "length":
                    raise ReplyInvalid("the reply was cut off at the token limit; keep the texts short")
                value = parse(raw)
            except ReplyInvalid as exc:
                tries.append(FailedTry(raw, str(exc)))
                if len(tries) > max_reasks:
                    raise LLMError(
                        f"{model} gave no valid {what} after {len(tries)} tries ({exc})", tries=tries
                    ) from None
                convo = [
                    *convo,
                    {"role": "assistant", "content": raw[:6000]},
                    {"role": "user", "content": f"That reply was invalid: {exc}. Reply with only the corrected JSON."},
                ]
                continue
            return Reply(value, redact(raw) or "", model, fmt, usage[0], usage[1], tries)

    @staticmethod
    def _for_format(
        fmt: str,
        messages: list[dict[str, str]],
        schema: dict[str, Any],
        plain_messages: Callable[[], list[dict[str, str]]] | None,
    ) -> list[dict[str, str]]:
        # Constrained decoding enforces the shape; only plain mode needs it spelled out (fewer tokens).
        if fmt != "plain":
            return list(messages)
        if plain_messages:
            return plain_messages()
        last = messages[-1] | {"content": messages[-1]["content"] + "\nReply with JSON matching this schema: "}
        last["content"] += json.dumps(schema)
        return [*messages[:-1], last]
