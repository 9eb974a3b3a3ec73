"""Settings from the environment (and Streamlit secrets, passed in by the UI)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
}


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grader: str = "auto"
    llm_base_url: str | None = None
    llm_model: str | None = None
    # Read from the environment only; SecretStr keeps it out of reprs, logs and dumps.
    llm_api_key: SecretStr | None = None
    llm_timeout: float = Field(default=60, gt=0, le=600)
    db_path: Path | None = None
    stt_model: str | None = None
    profile: str = "default"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    def grader_name(self) -> str:
        """What `auto` means today: the LLM grader when a server is configured and installed, else keyword."""
        if self.grader != "auto":
            return self.grader
        from .graders import available

        return "llm" if self.llm_configured and "llm" in available() else "keyword"


def load_settings(env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None) -> Settings:
    """Secrets first, then environment variables on top; blank values count as unset."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for field, var in ENV.items():
        for source in (secrets or {}, env):
            value = source.get(var)
            if value is not None and str(value).strip():
                values[field] = str(value).strip()
    if "llm_api_key" not in values and env.get("OPENAI_API_KEY", "").strip():
        values["llm_api_key"] = env["OPENAI_API_KEY"].strip()
    return Settings(**values)
