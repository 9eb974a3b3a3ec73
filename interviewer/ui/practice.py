"""Practice page: pick a question, answer it, get rubric feedback."""

from __future__ import annotations

import streamlit as st

from ..answers import AnswerError, clean_answer
from ..models import Question
from . import state
from .feedback import render_grade

ALL = "All topics"


def _pick_question(questions: list[Question]) -> Question | None:
    topics = sorted({q.topic for q in questions})
    c1, c2 = st.columns(2)
    topic = c1.selectbox("Topic", [ALL, *topics], key="practice_topic")
    levels = c2.multiselect(
        "Difficulty", ["easy", "medium", "hard"], default=["easy", "medium", "hard"], key="practice_difficulty"
    )
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


def render() -> None:
    st.title("Practice")
    bank = state.bank()
    state.bank_warning(bank)
    questions = sorted(bank.questions.values(), key=lambda q: (q.topic, q.difficulty, q.id))
    if not questions:
        st.error("The question bank is empty: no valid question could be loaded.")
        st.stop()
    question = _pick_question(questions)
    if question is None:
        return
    rubric = bank.rubric_for(question)
    with st.chat_message("assistant", avatar="🧑‍💼"):
        st.markdown(question.prompt)
        st.caption(f"{question.topic} · {question.difficulty} · about {question.suggested_minutes:g} min")

    answer_key = f"answer_{question.id}"
    st.text_area(
        "Your answer", key=answer_key, height=220, placeholder="Answer as you would say it aloud in the interview."
    )
    if st.button("Submit", key="submit", type="primary"):
        try:
            text = clean_answer(st.session_state.get(answer_key))
        except AnswerError as exc:
            st.warning(str(exc))
        else:
            result = state.submit_with_progress(question, rubric, text)
            st.session_state["practice_result"] = {"question": question.id, "attempt": result.attempt_id}
            if result.error:
                st.error(f"Your answer is saved (attempt #{result.attempt_id}), but grading failed: {result.error}")

    last = st.session_state.get("practice_result")
    if last and last["question"] == question.id:
        attempt = state.store().attempt(last["attempt"])
        if attempt and attempt.grade:
            st.subheader("Feedback")
            render_grade(attempt.grade, question)
