"""The sidebar on every page: whose history this is, and which grader is grading."""

from __future__ import annotations

import streamlit as st

from ..graders import choose
from ..history.store import DEFAULT_PROFILE
from . import auth, state

URL_KEY = "profile"
MAX_NAME = 80


def _url_profile() -> str | None:
    name = st.query_params.get(URL_KEY, "").strip()
    return name[:MAX_NAME] or None


def _add_profile() -> None:
    name = st.session_state.get("new_profile", "").strip()
    if name:
        state.database().profile_id(name)
        st.session_state[state.PROFILE] = name
        st.session_state["new_profile"] = ""


def render() -> None:
    with st.sidebar:
        auth.exposure_warning()  # first, where it is seen on every page
        current = state.settings()
        if auth.enabled():
            auth.account_box()
            st.caption(f"Grader: **{choose(current)}**")
            return
        if state.PROFILE not in st.session_state and (from_url := _url_profile()):
            # A browser refresh starts a new session: the URL keeps the profile this tab was using.
            st.session_state[state.PROFILE] = from_url
            current = state.settings()
        names = sorted({*state.database().profiles(), current.profile})
        # The widget's own state, once set, says which profile; a default as well makes Streamlit warn.
        chosen = {} if state.PROFILE in st.session_state else {"index": names.index(current.profile)}
        st.selectbox(
            "Profile",
            names,
            **chosen,
            key=state.PROFILE,
            on_change=lambda: st.session_state.update({state.PROFILE: st.session_state["profile_picker"]}),
            help="Each candidate on this machine sees only their own history.",
        )
        st.text_input("New profile", key="new_profile", on_change=_add_profile, placeholder="name, then Enter")
        st.caption(f"Grader: **{choose(current)}**")
        if current.profile == DEFAULT_PROFILE:
            st.query_params.pop(URL_KEY, None)
        else:
            st.query_params[URL_KEY] = current.profile
