"""The interview conversation: question, answer, feedback and follow-ups, rendered from a session's saved state."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from ..coaching import interview, limits, speech
from ..coaching.answers import clean_answer
from ..coaching.interview import QuestionRun, Session
from ..errors import UserError
from ..history import scores
from ..history.store import DraftTooLong
from ..models import CriterionGrade, Question, Rubric
from ..plain import MAX_ANSWER_CHARS
from . import state
from .escape import md_paragraphs
from .feedback import md_escape, render_criterion, render_grade
from .speak import listen

INTERVIEWER, CANDIDATE = "🧑‍💼", "🙂"


def _answer_text(text: str) -> None:
    for paragraph in filter(None, (p.strip() for p in text.splitlines())):
        st.markdown(md_escape(paragraph))


def render_conversation(
    session: Session, run: QuestionRun, question: Question, *, coached: bool, autoplay: bool = False
) -> None:
    """`autoplay` reads each new question and follow-up aloud once, as it is asked."""
    store = state.store()
    with st.chat_message("assistant", avatar=INTERVIEWER):
        st.markdown(md_paragraphs(question.prompt))
        st.caption(f"{question.topic} · {question.difficulty} · about {question.suggested_minutes:g} min")
        listen(question.prompt, f"{session.id}_{run.question_id}", autoplay=autoplay and run.attempt_id is None)
    if run.attempt_id is None:
        return
    main = store.attempt(run.attempt_id)
    if main is None:  # deleted on the History page
        st.caption("This answer was deleted from your history.")
        return
    with st.chat_message("user", avatar=CANDIDATE):
        _answer_text(main.answer)
        if run.overran:
            st.caption(f"Took {run.time_taken_s / 60:.1f} min, over the suggested {question.suggested_minutes:g}.")
        _spoken(main)
    if main.status == "failed":
        st.error(f"Your answer is saved, but grading failed: {md_escape(main.error or '')}")
    elif coached and main.grade:
        with st.chat_message("assistant", avatar=INTERVIEWER):
            render_grade(main.grade, show_follow_up=False, answer=main.answer)  # the interviewer asks it below
    answers = {a.id: a for a in store.follow_ups(run.attempt_id)}
    for i, follow_up in enumerate(run.follow_ups):
        with st.chat_message("assistant", avatar=INTERVIEWER):
            st.markdown(md_escape(follow_up.question))
            pending = autoplay and follow_up.attempt_id is None and not follow_up.skipped
            listen(follow_up.question, f"{session.id}_{run.question_id}_f{i}", autoplay=pending)
        reply = answers.get(follow_up.attempt_id) if follow_up.attempt_id else None
        if reply:
            with st.chat_message("user", avatar=CANDIDATE):
                _answer_text(reply.answer)
                _spoken(reply)
            if reply.status == "failed" and follow_up.open:
                st.error(
                    f"Your answer is saved, but grading failed: {md_escape(reply.error or '')}. "
                    "Answer again or skip this follow-up."
                )
            elif coached and reply.grade:
                with st.chat_message("assistant", avatar=INTERVIEWER):
                    if follow_up.stretch:
                        st.caption("A harder question on an area you had covered: it can only add to your score.")
                    render_criterion(_still_missing(reply.grade.criteria[0], run))
        elif follow_up.skipped:
            st.caption("Skipped.")


RECORDINGS = "recordings"  # attempt id -> the audio it was spoken in, for playback while the session lives
KEEP_RECORDINGS = 6  # the latest few: a recording can take megabytes


def _spoken(attempt) -> None:
    """A spoken answer keeps its delivery beside the feedback after Submit, and can be played back."""
    for data, mime in st.session_state.get(RECORDINGS, {}).get(attempt.id, []):
        st.audio(data, format=mime or "audio/wav")
    if attempt.delivery:
        render_delivery(attempt.delivery)


def _keep_recordings(widget_key: str, attempt_id: int) -> None:
    heard = st.session_state.pop(f"{widget_key}_audio", None)
    if not heard:
        return
    kept = st.session_state.setdefault(RECORDINGS, {})
    kept[attempt_id] = heard
    for old in sorted(kept)[:-KEEP_RECORDINGS]:
        kept.pop(old)


def _still_missing(c: CriterionGrade, run: QuestionRun) -> CriterionGrade:
    """A follow-up reply is graded on its criterion alone, so its own grade lists points the first answer
    already made as missed. Show only what no answer has said yet."""
    gap = run.gaps.get(c.id)
    if gap is None:
        return c
    return c.model_copy(
        update={
            "missed": [m for m in c.missed if m in gap.missed],
            "missed_optional": [m for m in c.missed_optional if m in gap.optional],
        }
    )


def render_result(run: QuestionRun, rubric: Rubric) -> None:
    if not run.initial_levels:
        return
    before = interview.weighted_score(rubric, run.initial_levels)
    after = interview.weighted_score(rubric, run.levels)
    label = "Score after follow-ups" if any(f.level is not None for f in run.follow_ups) else "Final score"
    st.metric(label, f"{after}/100", delta=after - before if after != before else None)
    if scores.changed(before, after):  # worded as History, Progress, the mock report and the CLI word it
        st.caption(f"Score: {scores.label(before, after)}")


def _save_draft(widget_key: str, draft_key: str) -> None:
    try:
        state.store().save_draft(draft_key, st.session_state.get(widget_key, ""))
    except DraftTooLong as exc:
        st.session_state[f"{widget_key}_draft_error"] = str(exc)


def voice_input(widget_key: str, minutes: float | None) -> None:
    """Record or upload an answer; its transcript is added to the answer box, where it can be corrected."""
    c1, c2 = st.columns(2)
    recorded = c1.audio_input("Record your answer", key=f"{widget_key}_mic")
    uploaded = c2.file_uploader(
        "or upload audio", type=[f.lstrip(".") for f in speech.FORMATS], key=f"{widget_key}_upload"
    )
    audio = recorded or uploaded
    if audio is None or st.session_state.get(f"{widget_key}_heard") == audio.file_id:
        return
    st.session_state[f"{widget_key}_heard"] = audio.file_id  # transcribe each recording once
    suffix = Path(audio.name).suffix.lower() or ".wav"
    with tempfile.TemporaryDirectory() as tmp, st.spinner("Transcribing..."):
        path = Path(tmp) / f"answer{suffix}"
        path.write_bytes(audio.getvalue())
        try:
            transcript = state.transcriber().transcribe(path)
        except UserError as exc:
            st.warning(f"{exc}. Your typed answer is kept.")
            return
    typed = st.session_state.get(widget_key, "").strip()
    st.session_state[widget_key] = f"{typed}\n\n{transcript.text}".strip()
    st.session_state.setdefault(f"{widget_key}_audio", []).append((audio.getvalue(), audio.type))
    st.session_state[f"{widget_key}_delivery"] = speech.delivery(transcript, minutes).model_dump()


def render_delivery(delivery: dict, *, live: bool = False) -> None:
    """Delivery metrics, unless part of the recording had no words: then they would mislead, so say what is
    missing instead (`live`: while the answer can still be typed in or recorded again)."""
    if not delivery.get("complete", True):  # older records have no such key: they were shown as complete
        if live:
            st.warning(speech.missing_message(delivery["missing"]))
        else:
            st.caption(f"Delivery not measured: {', '.join(delivery['missing'])} had no words in the transcript.")
        return
    fillers = ", ".join(f"{k} x{v}" for k, v in delivery["fillers"].items()) or "none"
    hedges = ", ".join(f"{k} x{v}" for k, v in delivery.get("hedges", {}).items()) or "none"
    judged = delivery.get("judged", speech.enough_speech(delivery))
    low, high = speech.PACE
    pace = (
        [
            f"{delivery['wpm']:.0f} words/min (aim for {low}-{high})",
            f"fillers: {fillers} ({delivery['fillers_per_min']:.0f}/min)",
        ]
        if judged
        else ["too short to judge pace", f"fillers: {fillers}"]
    )
    st.caption(
        f"Delivery (not part of the score): {delivery['duration_s']:.0f} s · "
        + " · ".join(pace)
        + f" · hedges: {hedges} · pauses over 2 s: {len(delivery['long_pauses'])}"
    )
    advice = delivery["advice"]
    if not judged:  # older records judged pace and fillers on any length: leave those lines out
        speaking = delivery.get("speaking_s") or delivery["duration_s"]
        advice = [speech.too_short_message(speaking, delivery["words"])] + [
            a for a in advice if "a minute" not in a and "per minute" not in a and not a.startswith("Too short")
        ]
    for line in advice:
        st.caption(f"• {line}")


def answer_box(widget_key: str, draft_key: str, label: str, minutes: float | None = None) -> str:
    """A text area whose content is saved as a draft and restored after a refresh. Saved when the browser
    sends it: when the box loses focus or on Ctrl+Enter. A text area sends nothing while typing, so text
    typed since then is lost on a refresh. Spoken answers come in through `voice_input` above it."""
    if widget_key not in st.session_state:
        st.session_state[widget_key] = state.store().draft(draft_key) or ""
    voice_input(widget_key, minutes)
    st.text_area(
        label,
        key=widget_key,
        height=200,
        on_change=_save_draft,
        args=(widget_key, draft_key),
        max_chars=MAX_ANSWER_CHARS,  # the limit shows under the box, before Submit
        placeholder="Answer as you would say it aloud. Ctrl+Enter keeps the draft.",
    )
    if problem := st.session_state.pop(f"{widget_key}_draft_error", None):
        st.warning(f"{problem} The draft was not saved.")
    if st.session_state.get(f"{widget_key}_delivery"):
        render_delivery(st.session_state[f"{widget_key}_delivery"], live=True)
    return st.session_state[widget_key]


def answer_step(
    session: Session,
    run: QuestionRun,
    *,
    key_prefix: str,
    submit_key: str = "submit",
    ensure_session: Callable[[], Session] | None = None,
) -> bool:
    """The input for the current step (the answer, or the pending follow-up). True if something was submitted.

    `ensure_session` creates the real session on the first answer, when `session` is only a placeholder.
    """
    pending = run.pending_follow_up
    step = f"f{len(run.follow_ups)}" if pending else "main"
    widget_key = f"{key_prefix}_{run.question_id}" if not pending else f"{key_prefix}_{session.id}_{step}"
    draft_key = f"{session.mode}:{run.question_id}:{step}"
    minutes = None if pending else state.bank().questions[run.question_id].suggested_minutes
    text = answer_box(widget_key, draft_key, "Your answer to the follow-up" if pending else "Your answer", minutes)
    cols = st.columns([1, 1, 3])
    submitted = cols[0].button("Submit", key=submit_key if not pending else "submit_followup", type="primary")
    if pending and cols[1].button("Skip", key="skip_followup", help="Skip this follow-up"):
        interview.skip_follow_up(state.store(), state.bank(), session)
        st.rerun()
    if not submitted:
        return False
    try:
        clean_answer(text)
        state.take_budget(limits.GRADING)  # a shared deployment's per-profile budget; the text stays in the box
    except UserError as exc:  # our own messages: the answer's size, the budget
        st.warning(str(exc))
        return False
    if ensure_session is not None:
        session = ensure_session()
    delivery = st.session_state.get(f"{widget_key}_delivery")
    result = state.submit_with_progress(
        lambda store, grader: interview.answer(
            store,
            grader,
            state.bank(),
            session,
            text,
            now=time.time(),
            source="voice" if delivery else "typed",
            delivery=delivery,
        )
    )
    if result.attempt_id:  # saved: the draft has done its job
        _keep_recordings(widget_key, result.attempt_id)
        state.store().delete_draft(draft_key)
        for key in (widget_key, f"{widget_key}_delivery"):
            st.session_state.pop(key, None)
    return True
