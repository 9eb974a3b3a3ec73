"""The grader interface. Every backend is one file in this package with one `@register`ed `Grader` subclass."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from ..config import Settings
from ..errors import UserError
from ..models import Grade, Question, Rubric

FOLLOW_UP = "\n\nFollow-up: "  # how a follow-up's probe is appended to the question's prompt for grading


def asked_text(question: Question) -> str:
    """The question as it was asked, without the probe a follow-up answer replies to (a probe may use the
    words of the point it is after, which the answer should be free to say)."""
    return question.prompt.split(FOLLOW_UP, 1)[0]


class GradingError(UserError):
    """A grader could not produce a grade. The message is safe to show a user."""

    def __init__(self, message: str, *, raw_output: str | None = None):
        super().__init__(message)
        self.raw_output = raw_output


class Grader(ABC):
    """One grading backend. What it is, as class attributes, so no code elsewhere needs to know its name."""

    name: ClassVar[str]
    label: ClassVar[str] = ""  # what the user sees; the name when empty
    # Grades on this machine alone: can be `auto`'s pick without a server, and a fallback when another fails.
    offline: ClassVar[bool] = True
    needs_server: ClassVar[bool] = False  # talks to an LLM server (shown with its model on the sidebar)
    # Writes a follow-up question for this very answer, rather than picking one of the rubric's.
    writes_follow_up: ClassVar[bool] = False

    def __init__(self, settings: Settings | None = None):
        self.settings = settings

    @classmethod
    def unavailable(cls, settings: Settings) -> str | None:
        """Why this grader cannot run here with these settings, in plain words; None when it can."""
        return None

    @abstractmethod
    def grade(self, question: Question, rubric: Rubric, answer: str) -> Grade:
        """Grade one answer. Raise GradingError when no grade can be given."""


_REGISTRY: dict[str, type[Grader]] = {}


def register(cls: type[Grader]) -> type[Grader]:
    _REGISTRY[cls.name] = cls
    return cls


def unregister(name: str) -> None:
    """Take a grader out again (tests register fakes and remove them)."""
    _REGISTRY.pop(name, None)
