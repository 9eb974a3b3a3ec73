"""End-to-end walkthrough: one long answer, a checklist of seven areas, follow-ups on what was missed."""

from __future__ import annotations

import time

import streamlit as st

from ..coaching import interview
from ..graders.followups import clip
from . import state
from .chat import answer_step, render_conversation, render_result
from .escape import md_paragraphs
from .feedback import md_escape, render_criterion
from .packs import pack_caption

SESSION = "walkthrough_session"
# "open" is neutral grey: before the first answer nothing has been missed yet.
ICONS = {
    "open": ":gray[○ not yet]",
    "covered": ":green[● covered]",
    "partial": ":orange[◐ partial]",
    "missed": ":red[○ missed]",
}
QUOTE_CHARS = 160


def checklist_panel(run: interview.QuestionRun, rubric) -> None:
    st.markdown("**Checklist**")
    for _, name, status, quote in interview.coverage(run, rubric):
        st.markdown(f"{ICONS[status]} **{md_escape(name)}**")
        if quote:
            st.caption(f"“{md_escape(clip(quote, QUOTE_CHARS))}”")


def start_fresh(question_id: str) -> None:
    """The next answer to this scenario is a new walkthrough, timed from now (Start over, and from History)."""
    st.session_state.get(SESSION, {}).pop(question_id, None)
    st.session_state.setdefault("walkthrough_shown_at", {})[question_id] = time.time()


def render() -> None:
    st.title("End-to-end walkthrough")
    bank, store = state.bank(), state.store()
    variants = sorted((q for q in bank.questions.values() if q.kind == "checklist"), key=lambda q: q.id)
    if not variants:
        st.error("No end-to-end questions are in the bank.")
        st.stop()
    by_id = {q.id: q for q in variants}
    qid = st.selectbox("Scenario", list(by_id), key="walkthrough_question", format_func=lambda i: by_id[i].title)
    question = by_id[qid]
    rubric = bank.rubric_for(question)
    pack_caption(bank, qid)
    sessions = st.session_state.setdefault(SESSION, {})
    session = interview.resume(store, sessions[qid]) if qid in sessions else None
    if session is None:
        session = interview.Session(
            id=0, mode="walkthrough", runs=[interview.QuestionRun(question_id=qid, kind="checklist")]
        )
    run = session.runs[0]
    # The clock starts when the scenario is shown, not when the session is created on the first answer.
    shown_at = st.session_state.setdefault("walkthrough_shown_at", {}).setdefault(qid, time.time())
    talk, panel = st.columns([3, 2])
    with panel:
        checklist_panel(run, rubric)
    with talk:
        render_conversation(session, run, question, coached=False)
    if run.done:
        report(run, rubric, question)  # below the columns: the report uses the page's full width
        return

    def open_session() -> interview.Session:
        real = interview.start(store, bank, "walkthrough", [qid])
        interview.begin_question(real, shown_at)
        sessions[qid] = real.id
        return real

    with talk:
        if answer_step(session, run, key_prefix="walkthrough", ensure_session=None if session.id else open_session):
            st.rerun()


def report(run: interview.QuestionRun, rubric, question) -> None:
    st.subheader("Checklist report")
    render_result(run, rubric)
    missed = [name for _, name, status, _ in interview.coverage(run, rubric) if status != "covered"]
    st.markdown("Still to cover: " + ", ".join(md_escape(m) for m in missed) if missed else "Every area covered.")
    later = interview.not_asked(run, rubric)
    if later:
        # The follow-ups went to the most important open areas; these were left for the report, not forgotten.
        st.markdown("Not asked about in follow-ups, practise these next: " + ", ".join(md_escape(n) for n in later))
    # What each area still lacks, only now: during the walkthrough it would give the follow-ups away.
    for c in interview.shortfalls(run, rubric):
        render_criterion(c)
    with st.expander("Model answer"):
        st.markdown(md_paragraphs(question.model_answer))
    st.button("Start over", key="walkthrough_again", on_click=start_fresh, args=(question.id,))
