"""Rendering of a grade. Answer text and model output are escaped: they are data, never markup."""

from __future__ import annotations

import streamlit as st

from ..coaching import language, quiz
from ..graders import grader_class
from ..models import LEVEL_LABELS, Grade, Question
from . import markup, state
from .escape import md_escape, md_paragraphs
from .glossary import term_popovers

LEVEL_COLOURS = {0: "red", 1: "orange", 2: "orange", 3: "green", 4: "green"}


def render_grade(
    grade: Grade, question: Question | None = None, *, show_follow_up: bool = True, answer: str | None = None
) -> None:
    """`answer`: the answer's text, when the caller has it: it adds the English-only notice and the marked-up
    answer."""
    if answer and language.mostly_not_english(answer):
        st.warning(
            "Grading is English-only: this answer looks mostly not in English, so the grade below counts only "
            "what it could match in English. Answer in English for a fair grade.",
            icon="🌐",
        )
    cols = st.columns([1, 3])
    cols[0].metric("Score", f"{grade.score}/100")
    cols[1].markdown(f"Graded by the {grader_label(grade.grader)}")
    # Which grader and rubric version in small print; the model's name only on hover.
    cols[1].caption(
        f"{md_escape(grade.grader)} grader · rubric v{grade.rubric_version}",
        help=f"Model: {md_escape(grade.model)}" if grade.model else None,
    )
    if grade.summary:
        cols[1].markdown(md_escape(grade.summary))
    if grade.fallback_reason:
        st.warning(f"The fallback grader produced this feedback because {md_escape(grade.fallback_reason)}", icon="⚠️")
    for c in grade.criteria:
        render_criterion(c)
    if answer:
        with st.expander("Your answer, marked up"):
            markup.render(answer, grade, question)
    if show_follow_up and grade.follow_up:
        st.info(f"**Follow-up:** {md_escape(grade.follow_up)}")
    if question is not None:
        with st.expander("Model answer"):
            st.markdown(md_paragraphs(question.model_answer))


def grader_label(name: str) -> str:
    """What a candidate reads: 'offline grader' or 'AI grader', from what the grader is, not its name."""
    cls = grader_class(name)
    if cls is None:  # a plugin no longer installed
        return f"{md_escape(name)} grader"  # a name from an imported file: plain text
    return cls.label or ("AI grader" if cls.needs_server else "offline grader")


def render_criterion(c) -> None:
    label = f":{LEVEL_COLOURS[c.level]}-badge[{c.level}/4 {LEVEL_LABELS[c.level]}]"
    with st.container(border=True):
        st.markdown(f"{label} **{md_escape(c.name or c.id)}** · weight {c.weight:g}")
        for e in c.evidence:
            mark = "" if e.verified else " *(not found in your answer)*"
            st.markdown(f"> {md_escape(e.quote)}{mark}")
        for m in c.missed:
            st.markdown(f"- :red[missed:] {md_escape(m)}")
        if c.missed:
            term_popovers(quiz.terms_in(state.bank(), " ".join(c.missed)))
        for m in c.missed_optional:
            st.markdown(f"- :gray[could add:] {md_escape(m)}")
        for w in c.wrong_claims:
            st.markdown(f"- :red[wrong:] {md_escape(w.claim)}. You said: *{md_escape(w.quote)}*  \n{md_escape(w.why)}")
        for f, said in c.flags_said():
            st.markdown(f"- :red[red flag:] {md_escape(f)}" + (f" (you said: *{md_escape(said)}*)" if said else ""))
        for n in c.notes:
            st.caption(md_escape(n))
