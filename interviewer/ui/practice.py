"""Practice page: pick a question, answer it, get rubric feedback and up to two follow-ups."""

from __future__ import annotations

import time

import streamlit as st

from .. import interview, progress
from ..models import Question
from . import state
from .chat import answer_step, render_conversation, render_result
from .packs import pack_caption

ALL = "All topics"
LEVELS = ["easy", "medium", "hard"]


def _pick_question(questions: list[Question]) -> Question | None:
    topics = sorted({q.topic for q in questions})
    c1, c2 = st.columns(2)
    topic = c1.selectbox("Topic", [ALL, *topics], key="practice_topic")
    # The default lives in session state, not in `default=`: other pages set this widget's value
    # (Try again, Practise), and Streamlit warns when a widget has both.
    st.session_state.setdefault("practice_difficulty", list(LEVELS))
    levels = c2.multiselect("Difficulty", LEVELS, key="practice_difficulty")
    shown = [q for q in questions if (topic == ALL or q.topic == topic) and q.difficulty in levels]
    if not shown:
        st.info("No questions match these filters.")
        return None
    by_id = {q.id: q for q in shown}
    qid = st.selectbox(
        "Question",
        list(by_id),
        key="practice_question",
        format_func=lambda i: f"{by_id[i].title}  ({by_id[i].difficulty})",
    )
    return by_id[qid]


def _recommend() -> None:
    recs = progress.recommendations(state.store(), state.bank(), state.settings().profile, limit=1)
    if recs:
        st.session_state["practice_topic"] = ALL
        st.session_state["practice_difficulty"] = list(LEVELS)
        st.session_state["practice_question"] = recs[0][0]
        st.session_state["practice_why"] = {recs[0][0]: recs[0][1]}


def render() -> None:
    st.title("Practice")
    bank = state.bank()
    state.bank_warning(bank)
    st.button(
        "Next recommended question",
        key="practice_recommend",
        on_click=_recommend,
        help="Spaced repetition: reviews that are due, then weak topics, then new questions.",
    )
    questions = sorted(
        (q for q in bank.questions.values() if q.kind == "scenario"), key=lambda q: (q.topic, q.difficulty, q.id)
    )
    if not questions:
        st.error("The question bank is empty: no valid question could be loaded.")
        st.stop()
    question = _pick_question(questions)
    if question is None:
        return
    pack_caption(bank, question.id)
    why = st.session_state.get("practice_why", {}).get(question.id)
    if why:
        st.caption(f"Recommended: {why}")
    rubric = bank.rubric_for(question)
    store = state.store()
    sessions = st.session_state.setdefault("practice_sessions", {})
    shown_at = st.session_state.setdefault("practice_shown_at", {}).setdefault(question.id, time.time())
    session = (
        interview.resume(store, sessions[question.id], state.settings().profile) if question.id in sessions else None
    )
    if session is None:
        # A session is created only when the first answer arrives, so browsing questions leaves no trace.
        session = interview.Session(id=0, mode="practice", runs=[interview.QuestionRun(question_id=question.id)])
    run = session.runs[0]
    render_conversation(session, run, question, coached=True)
    if run.done or (run.answered and not run.pending_follow_up):  # finished, or grading failed
        render_result(run, rubric)
        with st.expander("Model answer"):
            st.markdown(question.model_answer)
        if st.button("Try again", key="practice_again"):
            sessions.pop(question.id, None)
            st.session_state["practice_shown_at"][question.id] = time.time()
            st.rerun()
        return

    def open_session() -> interview.Session:
        # Created on the first answer, with the clock started when the question was shown.
        real = interview.start(store, bank, "practice", [question.id], profile=state.settings().profile)
        interview.begin_question(real, shown_at)
        sessions[question.id] = real.id
        return real

    if answer_step(session, run, key_prefix="answer", ensure_session=None if session.id else open_session):
        st.rerun()
