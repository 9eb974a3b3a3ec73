"""The flow of one answer: check it, save it, grade it, save the grade. No Streamlit here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from ..content.bank import Bank, BankError
from ..errors import UserError
from ..graders import Grader, GradingError, get_grader, offline_order
from ..history.store import ProfileStore
from ..models import Attempt, Grade, Question, Rubric
from ..plain import MAX_ANSWER_CHARS, strip_controls

log = logging.getLogger(__name__)

__all__ = ["MAX_ANSWER_CHARS", "AnswerError", "Submission", "clean_answer", "grade_again", "interrupted", "submit"]
# Grading takes seconds (a slow LLM server a minute or two); an answer still pending after this was cut off by
# a crash or a closed session, and is shown as not graded, with Grade again.
INTERRUPTED_AFTER_S = 300


class AnswerError(UserError, ValueError):
    """The answer cannot be graded as given. The message is safe to show a user."""


def clean_answer(text: str | None) -> str:
    if text is None or not text.strip():
        raise AnswerError("The answer is empty: write or say something first.")
    # Control characters (other than line breaks and tabs) only confuse graders and terminals.
    text = strip_controls(text).strip()
    if not text:
        raise AnswerError("The answer has no readable text.")
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerError(f"The answer is {len(text):,} characters long; the limit is {MAX_ANSWER_CHARS:,}.")
    return text


def find_question(bank: Bank, question_id: str) -> tuple[Question, Rubric]:
    question = bank.questions.get(question_id)
    if question is None:
        raise BankError(f"no question with id {question_id!r} (see `interviewer list`)")
    return question, bank.rubric_for(question)


def grade_with_fallback(grader: Grader, question: Question, rubric: Rubric, answer: str) -> Grade:
    """Grade; if the grader fails, the best offline grader that works grades instead (in the order `auto`
    uses), and the reasons are recorded with the grade."""
    try:
        return grader.grade(question, rubric, answer)
    except GradingError as exc:
        reasons, raw_output, last = [f"{grader.name} grader failed: {exc}"], exc.raw_output, exc
    for name in [n for n in offline_order() if n != grader.name]:
        try:
            fallback = get_grader(name).grade(question, rubric, answer)
        except GradingError as exc:
            reasons.append(f"{name} grader failed: {exc}")
            last = exc
            continue
        log.warning("%s; graded by %s instead", "; ".join(reasons), name)
        provenance = fallback.provenance.model_copy(update={"raw_output": raw_output})
        return fallback.model_copy(update={"fallback_reason": "; ".join(reasons), "provenance": provenance})
    raise last  # no offline grader left to fall back to


@dataclass
class Submission:
    attempt_id: int
    grade: Grade | None
    error: str | None = None


def submit(
    store: ProfileStore,
    grader: Grader,
    question: Question,
    rubric: Rubric,
    answer: str,
    *,
    session_id: int | None = None,
    **attempt: object,
) -> Submission:
    """Save the answer, then grade it. A grading failure is recorded on the attempt, never raised.

    `attempt` passes through to `ProfileStore.save_attempt` (source, timing, follow-up links).
    """
    answer = clean_answer(answer)
    attempt_id = store.save_attempt(question, rubric, answer, session_id=session_id, **attempt)
    return _grade_saved(store, grader, question, rubric, answer, attempt_id)


def _grade_saved(
    store: ProfileStore, grader: Grader, question: Question, rubric: Rubric, answer: str, attempt_id: int
) -> Submission:
    """Grade an answer already saved; a failure is recorded on the attempt, never raised."""
    try:
        grade = grade_with_fallback(grader, question, rubric, answer)
    except Exception as exc:  # any grader bug must still leave the saved answer intact
        log.exception("grading attempt %s failed", attempt_id)
        message = str(exc) if isinstance(exc, GradingError) else f"{type(exc).__name__}: {exc}"
        store.mark_failed(attempt_id, message)
        return Submission(attempt_id, None, message)
    store.save_grade(attempt_id, grade)
    return Submission(attempt_id, grade)


def interrupted(attempt: Attempt, now: datetime | None = None) -> bool:
    """A pending attempt whose grading was cut off (a crash, a killed process): nothing will grade it now."""
    if attempt.status != "pending":
        return False
    try:
        started = datetime.fromisoformat(attempt.created_at)
    except ValueError:
        return True
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - started).total_seconds() > INTERRUPTED_AFTER_S


def grade_again(store: ProfileStore, grader: Grader, bank: Bank, attempt_id: int) -> Submission:
    """Grade a saved answer that has no grade (interrupted or failed) again, as `submit` would have."""
    attempt = store.attempt(attempt_id)
    if attempt is None:
        raise AnswerError(f"no attempt #{attempt_id} in this profile")
    question, rubric = find_question(bank, attempt.question_id)
    return _grade_saved(store, grader, question, rubric, attempt.answer, attempt_id)
