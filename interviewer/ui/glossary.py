"""Glossary page, and the inline definitions that feedback and quiz results link to."""

from __future__ import annotations

import streamlit as st

from ..coaching import quiz
from ..models import GlossaryTerm
from . import state
from .escape import md_escape


def term_popovers(terms: list[GlossaryTerm]) -> None:
    """One small popover per term, holding its definition: a link that does not leave the page."""
    if not terms:
        return
    cols = st.columns(len(terms))
    for col, term in zip(cols, terms, strict=True):
        with col.popover(f"📖 {md_escape(term.term)}"):
            st.markdown(f"**{md_escape(term.term)}**")
            st.markdown(md_escape(term.definition))
            st.caption(f"In an interview: {md_escape(term.interview)}")


def _search(name: str) -> None:
    st.session_state["glossary_search"] = name


def render() -> None:
    st.title("Glossary")
    bank = state.bank()
    query = st.text_input("Search", key="glossary_search", placeholder="canary, PSI, ONNX, ...")
    found = quiz.look_up(bank, query)
    if not found:
        st.info(f"No entry for {md_escape(repr(query))}.")
        return
    st.caption(f"{len(found)} term(s)")
    for t in found:
        aliases = f" ({', '.join(t.aliases)})" if t.aliases else ""
        with st.expander(md_escape(f"{t.term}{aliases}"), expanded=len(found) <= 3):
            st.markdown(md_escape(t.definition))
            st.markdown(f"**In an interview:** {md_escape(t.interview)}")
            if t.related:
                cols = st.columns(len(t.related))
                for col, name in zip(cols, t.related, strict=True):
                    col.button(md_escape(name), key=f"glossary_{t.term}_{name}", on_click=_search, args=(name,))
