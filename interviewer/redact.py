"""Secrets never reach anything stored or logged: the one place that removes them.

Every API key the settings hold is remembered here when the settings are made (`config.Settings`), and
`redact` replaces it wherever it appears: server messages, raw model output, fallback reasons and errors on
their way into the database, exports and logs. A server that echoes the key back (in an error message, or
a model told to repeat its instructions) cannot put it on disk. Log records are cleaned too, by a record
factory installed on import, so a message or traceback that holds a key is written without it.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any

MASK = "[redacted]"
MIN_SECRET = 6  # shorter values ("x", "none") would mask ordinary words; no real key is that short
# Keys in well-known shapes are masked even when this process never saw them (a server echoing another key).
_KEY_SHAPES = re.compile(r"\b(sk-[A-Za-z0-9_\-]{16,}|(?:Bearer|bearer)\s+[A-Za-z0-9._\-]{16,})")

_secrets: set[str] = set()
_lock = threading.Lock()
# The environment's keys are always masked, whether or not this process has used them yet.
KEY_VARIABLES = ("INTERVIEWER_LLM_API_KEY", "OPENAI_API_KEY", "INTERVIEWER_TTS_API_KEY")


def _known() -> list[str]:
    from_env = {os.environ.get(var, "").strip() for var in KEY_VARIABLES}
    found = _secrets | {s for s in from_env if len(s) >= MIN_SECRET}
    return sorted(found, key=len, reverse=True)  # longest first: one key may contain another


def remember(secret: str | None) -> None:
    """Mask this value from now on (an API key from the environment, the secrets file or the Settings page)."""
    if secret and len(secret.strip()) >= MIN_SECRET:
        with _lock:
            _secrets.add(secret.strip())


def redact(text: str | None) -> str | None:
    """`text` with every remembered secret, and anything shaped like an API key, replaced by MASK."""
    if not text:
        return text
    for secret in _known():
        if secret in text:
            text = text.replace(secret, MASK)
    return _KEY_SHAPES.sub(MASK, text)


def redact_data(value: Any) -> Any:
    """Every string inside a JSON-like structure (dicts, lists), redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value


_previous_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: leave it to logging to report
        return record
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            record.exc_text = redact(text)  # the formatter uses this instead of formatting the traceback again
    return record


if logging.getLogRecordFactory().__name__ != _record_factory.__name__:  # once, even if reloaded
    logging.setLogRecordFactory(_record_factory)
