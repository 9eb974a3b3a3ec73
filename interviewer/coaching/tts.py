"""Questions read aloud through an OpenAI-compatible /v1/audio/speech endpoint, cached on disk. No Streamlit here.

The default backend needs none of this: the browser's own speech synthesis speaks in
`interviewer/ui/speak.py`. This one is for a hosted voice (OpenAI) or a local TTS server.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

import openai
from pydantic import BaseModel, Field

from ..config import Settings
from ..errors import UserError
from ..llm_client import LLMClient

DEFAULT_MODEL = "tts-1"
DEFAULT_VOICE = "alloy"
MAX_CHARS = 4096  # OpenAI's limit per request; every question is far shorter
CACHE_ENV = "INTERVIEWER_TTS_CACHE"
# A question read aloud is well under 1 MB of mp3; a bigger reply is a broken or hostile server.
MAX_AUDIO_BYTES = 10_000_000
# The cache keeps the most recently used audio up to this size, dropping the least recently used first.
MAX_CACHE_BYTES = 200_000_000


class TTSError(UserError):
    """Speech could not be made; the message says why in plain words (never with a key in it)."""


class SpeechRequest(BaseModel):
    """What identifies one piece of audio, and so its cache entry. The key is deliberately not part of it."""

    host: str
    model: str
    voice: str
    speed: float = Field(ge=0.25, le=4.0)
    text: str = Field(min_length=1, max_length=MAX_CHARS)

    def cache_name(self) -> str:
        fields = self.model_dump(exclude={"text"}) | {"text_sha256": hashlib.sha256(self.text.encode()).hexdigest()}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def cache_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("interviewer", appauthor=False)) / "tts"


def audio_mime(audio: bytes) -> str:
    """The format from the first bytes: servers differ in what they send by default."""
    if audio[:4] == b"RIFF":
        return "audio/wav"
    if audio[:4] == b"OggS":
        return "audio/ogg"
    if audio[:4] == b"fLaC":
        return "audio/flac"
    return "audio/mpeg"


class APISpeaker:
    """Any OpenAI-compatible /v1/audio/speech endpoint; each (server, model, voice, speed, text) is fetched once."""

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        voice: str | None = None,
        speed: float = 1.0,
        api_key: str | None = None,
        timeout: float = 60,
        cache: Path | None = None,
        max_audio_bytes: int = MAX_AUDIO_BYTES,
        max_cache_bytes: int = MAX_CACHE_BYTES,
    ):
        # Not retried: a listener waiting on a button would rather see the error than wait three timeouts.
        self.llm = LLMClient(base_url, api_key, timeout=timeout, max_retries=0)
        self.client, self.host = self.llm.client, self.llm.host
        self.model = model or DEFAULT_MODEL
        self.voice = voice or DEFAULT_VOICE
        self.speed = speed
        self.timeout = timeout
        self.cache = cache or cache_dir()
        self.max_audio_bytes, self.max_cache_bytes = max_audio_bytes, max_cache_bytes

    @classmethod
    def from_settings(cls, settings: Settings, cache: Path | None = None) -> APISpeaker:
        return cls(
            base_url=settings.tts_base_url or settings.llm_base_url,
            model=settings.tts_model,
            voice=settings.tts_voice,
            speed=settings.tts_rate,
            # Its own key for a speech server elsewhere; the LLM key only when it is the LLM key's own server.
            api_key=settings.tts_key(),
            timeout=settings.llm_timeout,
            cache=cache,
        )

    def path_for(self, text: str) -> Path:
        request = SpeechRequest(host=self.host, model=self.model, voice=self.voice, speed=self.speed, text=text)
        return self.cache / request.cache_name()

    def speak(self, text: str) -> bytes:
        """The audio for `text` (mp3, wav, ... as the server sends it; see `audio_mime`). Raises TTSError."""
        text = text.strip()
        if not text:
            raise TTSError("there is no text to read")
        if len(text) > MAX_CHARS:
            raise TTSError(f"the text is too long to read aloud ({len(text)} characters, at most {MAX_CHARS})")
        path = self.path_for(text)
        with contextlib.suppress(OSError):
            audio = path.read_bytes()
            os.utime(path)  # recently used: evicted last
            return audio
        audio = self._fetch(text)
        self._store(path, audio)
        return audio

    def _fetch(self, text: str) -> bytes:
        extra = {"speed": self.speed} if self.speed != 1.0 else {}
        chunks, size = [], 0
        try:
            with self.client.audio.speech.with_streaming_response.create(
                model=self.model, voice=self.voice, input=text, **extra
            ) as response:
                for chunk in response.iter_bytes(64 * 1024):
                    size += len(chunk)
                    if size > self.max_audio_bytes:  # stop reading: the rest is never downloaded
                        raise TTSError(
                            f"the speech server at {self.host} sent more than {self.max_audio_bytes // 1_000_000} MB "
                            "of audio for one question"
                        )
                    chunks.append(chunk)
        except openai.OpenAIError as exc:
            raise TTSError(f"the speech server failed: {self.llm.error(exc)}") from None
        if not size:
            raise TTSError(f"the speech server at {self.host} sent no audio")
        return b"".join(chunks)

    def _store(self, path: Path, audio: bytes) -> None:
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            # A unique temp name, so two sessions writing the same entry never write into one file; the rename
            # publishes whole files only.
            fd, tmp = tempfile.mkstemp(dir=self.cache, prefix=".tts-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(audio)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.evict()
        except OSError:
            pass  # a read-only cache costs a refetch next time, nothing more

    def evict(self) -> list[Path]:
        """Drop the least recently used audio until the cache is within its size limit; returns what went."""
        entries = []
        for f in self.cache.iterdir():
            with contextlib.suppress(OSError):
                if f.is_file() and not f.name.startswith("."):
                    stat = f.stat()
                    entries.append((stat.st_mtime_ns, stat.st_size, f))
        total = sum(size for _, size, _ in entries)
        removed = []
        for _, size, f in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_cache_bytes:
                break
            with contextlib.suppress(OSError):
                f.unlink()
                removed.append(f)
            total -= size
        return removed
