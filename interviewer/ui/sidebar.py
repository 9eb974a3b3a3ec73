"""The sidebar on every page: whose history this is, and which grader is grading."""

from __future__ import annotations

import streamlit as st

from . import auth, state


def _add_profile() -> None:
    name = st.session_state.get("new_profile", "").strip()
    if name:
        state.store().profile_id(name)
        st.session_state[state.PROFILE] = name
        st.session_state["new_profile"] = ""


def render() -> None:
    with st.sidebar:
        current = state.settings()
        if auth.enabled():
            auth.account_box()
            st.caption(f"Grader: **{current.grader_name()}**")
            return
        names = sorted({*state.store().profiles(), current.profile})
        st.selectbox(
            "Profile",
            names,
            index=names.index(current.profile),
            key="profile_picker",
            on_change=lambda: st.session_state.update({state.PROFILE: st.session_state["profile_picker"]}),
            help="Each candidate on this machine sees only their own history.",
        )
        st.text_input("New profile", key="new_profile", on_change=_add_profile, placeholder="name, then Enter")
        st.caption(f"Grader: **{current.grader_name()}**")
