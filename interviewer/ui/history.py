"""History page: saved attempts, newest first, each with its full feedback."""

from __future__ import annotations

import streamlit as st

from . import state
from .feedback import md_escape, render_criterion, render_grade

PAGE_SIZE = 200


def render() -> None:
    st.title("History")
    settings = state.settings()
    store = state.store()
    bank = state.bank()
    unfinished = store.open_sessions(settings.profile, mode="mock")
    if unfinished:
        st.subheader("Unfinished mock interviews")
        for row in unfinished[:5]:
            if st.button(
                f"Resume the interview started {row['started_at'][:16].replace('T', ' ')}",
                key=f"history_resume_{row['id']}",
            ):
                st.session_state["mock_session"] = row["id"]
                st.switch_page("interviewer/ui/pages/mock.py")
    attempts = store.attempts(settings.profile, limit=PAGE_SIZE)
    if not attempts:
        st.info("No attempts yet. Answer a question on the Practice page and it will appear here.")
        return
    total = store.count_attempts(settings.profile)
    st.caption(f"{total} attempt(s)" + (f", newest {PAGE_SIZE} shown" if total > PAGE_SIZE else ""))

    def title(qid: str) -> str:
        q = bank.questions.get(qid)
        return q.title if q else qid

    st.dataframe(
        [
            {
                "#": a.id,
                "when": a.created_at[:16].replace("T", " "),
                "question": title(a.question_id),
                "topic": a.topic,
                "score": a.score,
                "grader": a.grader,
                "status": a.status,
            }
            for a in attempts
        ],
        hide_index=True,
        width="stretch",
    )
    by_id = {a.id: a for a in attempts}
    chosen = st.selectbox(
        "Open an attempt",
        list(by_id),
        key="history_attempt",
        format_func=lambda i: (
            f"#{i} · {title(by_id[i].question_id)} · "
            + (f"{by_id[i].score}/100" if by_id[i].score is not None else by_id[i].status)
        ),
    )
    attempt = by_id[chosen]
    question = bank.questions.get(attempt.question_id)
    st.subheader(title(attempt.question_id))
    if question:
        st.markdown(question.prompt)
    st.markdown("**Your answer**")
    with st.container(border=True):
        for paragraph in filter(None, (p.strip() for p in attempt.answer.splitlines())):
            st.markdown(md_escape(paragraph))
    if attempt.time_taken_s:
        st.caption(
            f"Answered in {attempt.time_taken_s / 60:.1f} min"
            + (" (over the suggested time)" if attempt.overran else "")
        )
    if attempt.grade:
        render_grade(attempt.grade, question)
    elif attempt.status == "failed":
        st.error(f"Grading failed: {attempt.error}. The answer is kept.")
    else:
        st.info("Not graded yet.")
    for follow_up in store.follow_ups(attempt.id):
        with st.container(border=True):
            st.markdown(f"**Follow-up** on {md_escape(follow_up.criterion_id or '')}")
            for paragraph in filter(None, (p.strip() for p in follow_up.answer.splitlines())):
                st.markdown(md_escape(paragraph))
            if follow_up.grade:
                render_criterion(follow_up.grade.criteria[0])
