"""Settings page: choose the grader, point it at a server, test the connection, save."""

from __future__ import annotations

import streamlit as st

from ..config import ENV, Settings, pinned_by_env, read_saved, save_settings, settings_path
from ..errors import UserError
from ..graders import available, choose
from ..graders.agreement import measured
from ..llm_client import PRESETS, LLMClient, host_of
from . import auth, state
from . import packs as packs_ui
from .escape import md_escape
from .speak import voice_picker

CUSTOM = "Custom"
SAVED = "settings_saved_message"
BACKENDS = {"browser": "this browser's voices", "api": "an API server", "off": "off"}


def _apply_preset() -> None:
    preset = st.session_state["settings_preset"]
    if preset in PRESETS:
        st.session_state["settings_base_url"] = PRESETS[preset]


def _shared_deployment(current: Settings) -> None:
    """Read-only on a shared deployment: one user's choice of server would apply to every user, and a
    server URL typed by a user would let them make the app's server call any address."""
    st.info("This is a shared deployment: its operator sets the grader and servers (environment or secrets).")
    st.markdown(f"Grading with **{choose(current)}**")
    if current.llm_base_url:
        model = f", model {md_escape(current.llm_model)}" if current.llm_model else ""
        st.markdown(f"LLM server: {md_escape(host_of(current.llm_base_url))}{model}")
    packs_ui.render(current, shared=True)


def _agreement() -> None:
    figures = measured()
    if not figures:
        return
    rows = " · ".join(f"{name} r = {a.pearson:.3f}" for name, a in sorted(figures.graders.items()))
    # The figures are for the curious, out of the way of choosing a grader.
    with st.expander("How well the graders agree with human scores"):
        st.caption(
            f"Agreement with human graders (Pearson r, {figures.data}): {rows}. The two human graders agree with "
            f"each other at r = {figures.human_pearson:.3f}. Measure any grader on your own scored answers, the LLM "
            "grader too, with `interviewer eval`."
        )


def render() -> None:
    st.title("Settings")
    current = state.settings()
    if auth.enabled():
        _shared_deployment(current)
        return
    pinned = pinned_by_env()
    for field, value in [
        ("settings_base_url", current.llm_base_url or ""),
        ("settings_model", current.llm_model or ""),
    ]:
        st.session_state.setdefault(field, value)

    graders = ["auto", *available()]
    st.radio(
        "Grader",
        graders,
        index=graders.index(current.grader) if current.grader in graders else 0,
        key="settings_grader",
        horizontal=True,
        disabled="grader" in pinned,
        help="auto uses the LLM grader when a server is configured; otherwise the offline grader that agrees "
        "best with human graders.",
    )
    st.caption(f"Grading now with: **{choose(current)}**")
    _agreement()

    st.subheader("LLM server")
    st.selectbox(
        "Preset",
        [CUSTOM, *PRESETS],
        key="settings_preset",
        on_change=_apply_preset,
        help="Fills in the usual base URL for each kind of server.",
    )
    st.text_input(
        "Base URL", key="settings_base_url", disabled="llm_base_url" in pinned, placeholder="http://localhost:11434/v1"
    )
    st.text_input(
        "Model", key="settings_model", disabled="llm_model" in pinned, placeholder="empty: the server's first model"
    )
    st.number_input(
        "Timeout (seconds)",
        min_value=1.0,
        max_value=600.0,
        value=float(current.llm_timeout),
        key="settings_timeout",
        disabled="llm_timeout" in pinned,
    )
    st.text_input(
        "API key",
        type="password",
        key=state.API_KEY,
        help="Kept in memory for this browser session only, never saved. "
        f"To avoid typing it, set {ENV['llm_api_key']} (or OPENAI_API_KEY) before `make run`.",
    )
    if pinned:
        st.caption(
            "Set by environment variables (they win over saved settings): " + ", ".join(ENV[f] for f in sorted(pinned))
        )

    _speech_settings(current, pinned)
    packs_dir = packs_ui.render(current, pinned)
    if "packs_dir" in pinned:  # the environment's folder is not saved; keep the one saved before, if any
        packs_dir = read_saved(settings_path()).get("packs_dir")

    base_url = st.session_state["settings_base_url"].strip()
    c1, c2 = st.columns(2)
    if c1.button("Test connection", key="settings_test", disabled=not base_url):
        key = current.api_key()
        try:
            timeout = min(float(st.session_state["settings_timeout"]), 15)
            models = LLMClient(base_url, key, timeout=timeout, max_retries=0).models()
        except UserError as exc:
            st.error(f"Connection failed: {exc}")
        else:
            st.success(f"Connected to {host_of(base_url)}: {len(models)} model(s): " + ", ".join(models[:20]))
    if c2.button("Save", key="settings_save", type="primary"):
        updated = Settings(
            grader=st.session_state["settings_grader"],
            llm_base_url=base_url or None,
            llm_model=st.session_state["settings_model"].strip() or None,
            llm_timeout=st.session_state["settings_timeout"],
            profile=current.profile,
            stt_model=current.stt_model,
            tts_backend=st.session_state["settings_tts_backend"],
            tts_voice=st.session_state["settings_tts_voice"].strip() or None,
            tts_rate=st.session_state["settings_tts_rate"],
            tts_model=st.session_state["settings_tts_model"].strip() or None,
            tts_base_url=st.session_state["settings_tts_base_url"].strip() or None,
            tts_autoplay_mock=st.session_state["settings_tts_autoplay"],
            packs_dir=packs_dir,
        )
        path = save_settings(updated)
        # Run the page again so everything above (and the sidebar) shows the saved settings, not the old ones.
        st.session_state[SAVED] = f"Saved to {path}. The API key was not saved."
        st.rerun()
    if saved := st.session_state.pop(SAVED, None):
        st.success(saved)


def _speech_settings(current: Settings, pinned: set[str]) -> None:
    st.subheader("Questions read aloud")
    for field, value in [
        ("settings_tts_backend", current.tts_backend),
        ("settings_tts_voice", current.tts_voice or ""),
        ("settings_tts_rate", current.tts_rate),
        ("settings_tts_model", current.tts_model or ""),
        ("settings_tts_base_url", current.tts_base_url or ""),
        ("settings_tts_autoplay", current.tts_autoplay_mock),
    ]:
        st.session_state.setdefault(field, value)
    backend = st.radio(
        "Voice",
        list(BACKENDS),
        format_func=BACKENDS.get,
        key="settings_tts_backend",
        horizontal=True,
        disabled="tts_backend" in pinned,
        help="This browser's voices work offline with nothing to download. "
        "An API server is OpenAI or any local server with /v1/audio/speech.",
    )
    st.text_input(
        "Voice name",
        key="settings_tts_voice",
        disabled="tts_voice" in pinned,
        placeholder="empty: the default voice" + (" (alloy)" if backend == "api" else ""),
        help="A voice from the list below, or for an API server one of its voices (alloy, nova, ...).",
    )
    rate = st.slider(
        "Speed", 0.5, 2.0, step=0.1, key="settings_tts_rate", disabled="tts_rate" in pinned, format="%.1fx"
    )
    st.checkbox(
        "Read each new question aloud in mock interviews",
        key="settings_tts_autoplay",
        disabled="tts_autoplay_mock" in pinned,
    )
    if backend == "browser":
        st.caption("Voices in this browser (click one to choose it):")
        voice_picker("settings_tts_voice", rate)
    elif backend == "api":
        c1, c2 = st.columns(2)
        c1.text_input(
            "Speech base URL",
            key="settings_tts_base_url",
            disabled="tts_base_url" in pinned,
            placeholder="empty: the LLM server above",
        )
        c2.text_input("Speech model", key="settings_tts_model", disabled="tts_model" in pinned, placeholder="tts-1")
        st.caption("Audio is cached per question text, so each question is fetched once. The API key is the one above.")
