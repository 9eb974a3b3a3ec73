"""The grader interface and registry. Every backend is one file with one `Grader` subclass."""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib.metadata import entry_points
from typing import Any, ClassVar

from ..config import Settings
from ..models import Grade, Question, Rubric

ENTRY_POINT_GROUP = "interviewer.graders"
FOLLOW_UP = "\n\nFollow-up: "  # how a follow-up's probe is appended to the question's prompt for grading


def asked_text(question: Question) -> str:
    """The question as it was asked, without the probe a follow-up answer replies to (a probe may use the
    words of the point it is after, which the answer should be free to say)."""
    return question.prompt.split(FOLLOW_UP, 1)[0]


class GradingError(Exception):
    """A grader could not produce a grade. The message is safe to show a user."""

    def __init__(self, message: str, *, raw_output: str | None = None):
        super().__init__(message)
        self.raw_output = raw_output


class UnknownGraderError(KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class Grader(ABC):
    name: ClassVar[str]
    needs_server: ClassVar[bool] = False

    def __init__(self, settings: Settings | None = None):
        self.settings = settings

    @abstractmethod
    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        """Grade one answer. Raise GradingError when no grade can be given."""


_REGISTRY: dict[str, type[Grader]] = {}


def register(cls: type[Grader]) -> type[Grader]:
    _REGISTRY[cls.name] = cls
    return cls


def _discover() -> None:
    from . import keyword, llm, semantic  # noqa: F401  (registers the built-in graders)

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _REGISTRY:
            register(ep.load())


def available() -> list[str]:
    _discover()
    return sorted(_REGISTRY)


def get_grader(name: str, **options: Any) -> Grader:
    _discover()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise UnknownGraderError(f"unknown grader {name!r}; available: {', '.join(sorted(_REGISTRY))}") from None
    return cls(**options)
