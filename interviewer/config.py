"""Settings from the environment (and Streamlit secrets, passed in by the UI)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr

ENV = {
    "grader": "INTERVIEWER_GRADER",
    "llm_base_url": "INTERVIEWER_LLM_BASE_URL",
    "llm_model": "INTERVIEWER_LLM_MODEL",
    "llm_api_key": "INTERVIEWER_LLM_API_KEY",
    "llm_timeout": "INTERVIEWER_LLM_TIMEOUT",
    "db_path": "INTERVIEWER_DB",
    "stt_model": "INTERVIEWER_STT_MODEL",
    "profile": "INTERVIEWER_PROFILE",
    "tts_backend": "INTERVIEWER_TTS_BACKEND",
    "tts_voice": "INTERVIEWER_TTS_VOICE",
    "tts_rate": "INTERVIEWER_TTS_RATE",
    "tts_model": "INTERVIEWER_TTS_MODEL",
    "tts_base_url": "INTERVIEWER_TTS_BASE_URL",
    "tts_autoplay_mock": "INTERVIEWER_TTS_AUTOPLAY_MOCK",
    "packs_dir": "INTERVIEWER_PACKS",
    "tts_api_key": "INTERVIEWER_TTS_API_KEY",
}
# Where requests go when no base URL is set (the openai SDK's default).
DEFAULT_BASE_URL = "https://api.openai.com/v1"


def host_of(base_url: str | None) -> str:
    """Host and port only: never credentials that may sit in a URL. The unit a key is confirmed for."""
    base_url = base_url or DEFAULT_BASE_URL
    parsed = urlparse(base_url)
    return f"{parsed.hostname}:{parsed.port}" if parsed.port else (parsed.hostname or base_url)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grader: str = "auto"
    llm_base_url: str | None = None
    llm_model: str | None = None
    # Read from the environment only; SecretStr keeps it out of reprs, logs and dumps.
    llm_api_key: SecretStr | None = None
    # The server (host:port) the key belongs to: it is sent there and nowhere else. Saved (never the key), so a
    # base URL typed later on the Settings page gets the key only once the user confirms that host.
    # Empty: the host of `llm_base_url`, as when both are set together.
    llm_key_host: str | None = None
    llm_timeout: float = Field(default=60, gt=0, le=600)
    db_path: Path | None = None
    stt_model: str | None = None
    profile: str = "default"
    # Questions read aloud: the browser's own voices by default, or an OpenAI-compatible /v1/audio/speech.
    tts_backend: Literal["browser", "api", "off"] = "browser"
    tts_voice: str | None = None  # a browser voice name, or an API voice such as "alloy"
    tts_rate: float = Field(default=1.0, ge=0.5, le=2.0)
    tts_model: str | None = None
    tts_base_url: str | None = None  # empty: the LLM server's
    # A speech server on another host gets its own key (or none), never the LLM key. Never saved.
    tts_api_key: SecretStr | None = None
    tts_autoplay_mock: bool = False
    packs_dir: Path | None = None  # the user's question packs; empty: a folder in the user's data directory

    def packs_path(self) -> Path:
        if self.packs_dir:
            return self.packs_dir.expanduser()
        from platformdirs import user_data_dir

        return Path(user_data_dir("interviewer", appauthor=False)) / "packs"

    @property
    def key_host(self) -> str:
        """The host the LLM key may be sent to."""
        return self.llm_key_host or host_of(self.llm_base_url)

    def api_key(self, base_url: str | None = None) -> str | None:
        """The key itself, for the one call that sends it to `base_url` (default: the LLM server); None when
        that server is not the one the key was configured for. Everywhere else it stays a SecretStr."""
        if not self.llm_api_key or host_of(base_url or self.llm_base_url) != self.key_host:
            return None
        return self.llm_api_key.get_secret_value()

    def tts_key(self) -> str | None:
        """The key for the speech server: its own key if one is set, else the LLM key when the speech server is
        the LLM server (the key's own host), else none."""
        base = self.tts_base_url or self.llm_base_url
        if self.tts_api_key:
            return self.tts_api_key.get_secret_value()
        return self.api_key(base)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)


# Saved from the Settings page. Never the API key: that stays in the environment or in memory.
SAVED_FIELDS = (
    "grader",
    "llm_base_url",
    "llm_model",
    "llm_timeout",
    "llm_key_host",
    "profile",
    "stt_model",
    "tts_backend",
    "tts_voice",
    "tts_rate",
    "tts_model",
    "tts_base_url",
    "tts_autoplay_mock",
    "packs_dir",
)


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("INTERVIEWER_SETTINGS"):
        return Path(env["INTERVIEWER_SETTINGS"])
    from platformdirs import user_config_dir

    return Path(user_config_dir("interviewer", appauthor=False)) / "settings.json"


def read_saved(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a missing or damaged file means defaults, never a crash
    return {k: v for k, v in data.items() if k in SAVED_FIELDS} if isinstance(data, dict) else {}


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(mode="json", include=set(SAVED_FIELDS), exclude_none=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def pinned_by_env(env: Mapping[str, str] | None = None) -> set[str]:
    """Fields the environment sets; they win over anything saved."""
    env = os.environ if env is None else env
    return {field for field, var in ENV.items() if str(env.get(var, "")).strip()}


def load_settings(
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    saved: Mapping[str, Any] | None = None,
) -> Settings:
    """Saved settings, then secrets, then environment variables on top; blank values count as unset.

    With no `env` given, the real environment and the saved settings file are used.
    """
    if env is None:
        env = os.environ
        saved = read_saved(settings_path(env)) if saved is None else saved
    values: dict[str, Any] = {k: v for k, v in (saved or {}).items() if v not in (None, "")}
    for field, var in ENV.items():
        for source in (secrets or {}, env):
            value = source.get(var)
            if value is not None and str(value).strip():
                values[field] = str(value).strip()
    if "llm_api_key" not in values and env.get("OPENAI_API_KEY", "").strip():
        values["llm_api_key"] = env["OPENAI_API_KEY"].strip()
    if "llm_api_key" in values:
        # A key and a base URL set together (environment or secrets) belong together. A key set alone belongs
        # to the host saved with the settings (the user confirmed it), else to the default server (OpenAI):
        # never to a base URL that was only typed and saved on the Settings page.
        configured_together = any(str(source.get(ENV["llm_base_url"], "")).strip() for source in (secrets or {}, env))
        if configured_together:
            values["llm_key_host"] = host_of(values.get("llm_base_url"))
        elif not values.get("llm_key_host"):
            values["llm_key_host"] = host_of(None)
    return Settings(**values)
