"""Settings page: choose the grader, point it at a server, test the connection, save."""

from __future__ import annotations

import streamlit as st

from ..config import ENV, Settings, host_of, pinned_by_env, read_saved, save_settings, settings_path
from ..errors import UserError
from ..graders import available, choose
from ..graders.agreement import measured
from ..llm_client import PRESETS, LLMClient
from . import auth, state
from . import packs as packs_ui
from .escape import md_escape
from .speak import voice_picker

CUSTOM = "Custom"
SAVED = "settings_saved_message"
LAST_TEST = "settings_last_test"  # (base URL, whether it answered)
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
        on_change=_key_typed,
        help="Kept in memory for this browser session only, never saved. "
        f"To avoid typing it, set {ENV['llm_api_key']} (or OPENAI_API_KEY) before `make run`.",
    )
    if pinned:
        st.caption(
            "Set by environment variables (they win over saved settings): " + ", ".join(ENV[f] for f in sorted(pinned))
        )
    base_url = st.session_state["settings_base_url"].strip()
    _confirm_key_host(current, base_url)
    pending = current.model_copy(
        update={"grader": st.session_state["settings_grader"], "llm_base_url": base_url or None}
    )
    now, then = choose(current), choose(pending)
    st.caption(f"Grading now with: **{now}**" + (f"; after Save: **{then}**" if then != now else ""))
    # Test and Save next to the fields they are about; another Save at the end of the page.
    c1, c2 = st.columns(2)
    if c1.button(
        "Test connection",
        key="settings_test",
        disabled=not base_url,
        help="Lists the server's models." if base_url else "Type a base URL (or pick a preset) to test it.",
    ):
        _test_connection(base_url)
    save = c2.button("Save", key="settings_save", type="primary")

    _speech_settings(current, pinned)
    packs_dir = packs_ui.render(current, pinned)
    if "packs_dir" in pinned:  # the environment's folder is not saved; keep the one saved before, if any
        packs_dir = read_saved(settings_path()).get("packs_dir")
    save = st.button("Save settings", key="settings_save_bottom", type="primary") or save
    if save:
        updated = Settings(
            grader=st.session_state["settings_grader"],
            llm_base_url=base_url or None,
            llm_model=st.session_state["settings_model"].strip() or None,
            llm_timeout=st.session_state["settings_timeout"],
            llm_key_host=_key_host_to_save(current, base_url),
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
        message = f"Saved to {path}. The API key was not saved."
        if base_url and st.session_state.get(LAST_TEST) == (base_url, False):
            message += (
                f" The last connection test to {host_of(base_url)} failed: until it answers, answers are graded "
                "by the offline grader instead."
            )
        # Run the page again so everything above (and the sidebar) shows the saved settings, not the old ones.
        st.session_state[SAVED] = message
        st.rerun()
    if saved := st.session_state.pop(SAVED, None):
        (st.warning if "failed" in saved else st.success)(md_escape(saved))


def _test_connection(base_url: str) -> None:
    key = state.key_for(base_url)  # None for a host the key was not confirmed for
    try:
        timeout = min(float(st.session_state["settings_timeout"]), 15)
        models = LLMClient(base_url, key, timeout=timeout, max_retries=0).models()
    except UserError as exc:
        st.session_state[LAST_TEST] = (base_url, False)
        st.error(f"Connection failed: {md_escape(str(exc))}")  # may quote the server
    else:
        st.session_state[LAST_TEST] = (base_url, True)
        names = md_escape(", ".join(models[:20]))  # whatever the server calls its models, shown as text
        st.success(f"Connected to {md_escape(host_of(base_url))}: {len(models)} model(s): {names}")


def _confirm_key_host(current: Settings, base_url: str) -> None:
    """A key goes only to the server it was configured for. Another base URL gets it only once the user ticks
    "Send my API key to <host>" (remembered per host for this browser session, and saved with Save)."""
    if not base_url or not current.llm_api_key:
        return
    host = host_of(base_url)
    if host == current.key_host and host not in state.key_hosts():
        return
    st.session_state.setdefault(f"settings_send_key_{host}", host in state.key_hosts())
    sent = st.checkbox(
        f"Send my API key to {md_escape(host)}",
        key=f"settings_send_key_{host}",
        help="Only tick this for a server you trust with the key: it can use it as you.",
    )
    if sent:
        state.key_hosts().add(host)
    else:
        state.key_hosts().discard(host)
        st.caption(
            f"Your API key is for {md_escape(current.key_host)}. It is not sent to {md_escape(host)} (for "
            "*Test connection* or grading) unless you tick the box."
        )


def _key_typed() -> None:
    """A key typed here is for the server in the Base URL box as it is typed."""
    if st.session_state.get(state.API_KEY):
        state.key_hosts().add(host_of(st.session_state.get("settings_base_url", "").strip() or None))


def _key_host_to_save(current: Settings, base_url: str) -> str | None:
    """The host the environment's key belongs to, as saved: the new server's once confirmed, else the one it had.
    A key typed on this page is not saved, and neither is its host."""
    if not state.configured_settings().llm_api_key:
        return read_saved(settings_path()).get("llm_key_host")
    host = host_of(base_url or None)
    return host if host in state.key_hosts() or host == current.key_host else current.key_host


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
        st.caption(
            "Audio is cached per question text, so each question is fetched once. The LLM key is sent only when "
            f"this is the LLM key's own server; a speech server elsewhere gets {ENV['tts_api_key']} or no key."
        )
