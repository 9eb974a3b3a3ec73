"""Shared resources for the pages: settings, bank, store and grader, built once per run or cached."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import streamlit as st
from pydantic import SecretStr

from ..coaching import limits, speech
from ..coaching.answers import Submission
from ..config import Settings, host_of, load_settings
from ..content.bank import DEFAULT_ROOT, Bank, load_bank
from ..graders import Grader, choose, get_grader, grader_class
from ..history.store import ProfileStore, Store
from ..redact import remember
from . import auth


def _secrets() -> dict:
    try:
        return {k: v for k, v in st.secrets.to_dict().items() if isinstance(v, str | int | float)}
    except Exception:  # no secrets.toml is the normal case
        return {}


API_KEY = "settings_api_key"  # session memory only: never saved to disk, the database or logs
PROFILE = "profile_picker"  # the sidebar's profile widget, for this browser session
KEY_HOSTS = "key_hosts"  # hosts the user confirmed, in this browser session, to send the API key to
MIGRATED = "_legacy_profile_checked"


def configured_settings() -> Settings:
    """The settings from the environment, secrets and the settings file, before this session's choices."""
    return load_settings(secrets=_secrets())


def settings() -> Settings:
    current = configured_settings()
    typed_key = st.session_state.get(API_KEY)
    if typed_key:
        remember(typed_key)
        current = current.model_copy(update={"llm_api_key": SecretStr(typed_key)})
    if current.llm_api_key and host_of(current.llm_base_url) in key_hosts():
        # Confirmed on the Settings page in this session: the key may go to the server configured now.
        current = current.model_copy(update={"llm_key_host": host_of(current.llm_base_url)})
    signed_in = auth.signed_in_profile()
    if signed_in:  # a shared deployment: the account decides whose history this is, nothing else
        current = current.model_copy(update={"profile": signed_in})
    elif st.session_state.get(PROFILE) and not auth.enabled():
        current = current.model_copy(update={"profile": st.session_state[PROFILE]})
    return current


def key_hosts() -> set[str]:
    """The hosts this browser session confirmed to receive the API key ("Send my API key to ..." in Settings)."""
    return st.session_state.setdefault(KEY_HOSTS, set())


def key_for(base_url: str) -> str | None:
    """The API key to send to `base_url`: only its configured host's, or a host confirmed in this session."""
    current = settings()
    if current.llm_api_key and host_of(base_url) in key_hosts():
        return current.llm_api_key.get_secret_value()
    return current.api_key(base_url)


def _bank_signature(root: Path, packs: Path) -> tuple:
    files = sorted([*root.glob("questions/**/*.y*ml"), *root.glob("rubrics/**/*.y*ml"), *packs.glob("**/*.y*ml")])
    stamps = []
    for f in files:
        try:
            stamps.append((str(f), f.stat().st_mtime_ns, f.stat().st_size))
        except OSError:  # removed between glob and stat
            continue
    return (str(packs), *stamps)


@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_bank(signature: tuple) -> Bank:
    return load_bank(DEFAULT_ROOT, packs=Path(signature[0]))


def bank() -> Bank:
    """The bank and the user's packs, reloaded when a file changes so authors see edits on the next rerun."""
    return _cached_bank(_bank_signature(DEFAULT_ROOT, settings().packs_path()))


def database() -> Store:
    # One connection per browser session; its script runs are sequential, so sharing it is safe.
    if "_store" not in st.session_state or st.session_state["_store_path"] != str(settings().db_path):
        st.session_state["_store"] = Store.open(settings().db_path)
        st.session_state["_store_path"] = str(settings().db_path)
    return st.session_state["_store"]


def store() -> ProfileStore:
    """The history of the profile this browser session uses (the signed-in user's on a shared deployment)."""
    profile = settings().profile
    if auth.signed_in_profile() and not st.session_state.get(MIGRATED):
        # Profiles used to be keyed by e-mail: the verified owner of that address takes its history along, once.
        if legacy := auth.legacy_profile():
            database().adopt_profile(legacy, profile)
        st.session_state[MIGRATED] = True
    return database().for_profile(profile)


def take_budget(limiter: limits.RateLimiter) -> None:
    """On a shared deployment, count one request of this profile (RateLimited when its budget is spent)."""
    if auth.enabled():
        limiter.take(settings().profile)


def bank_warning(b: Bank) -> None:
    if not b.problems:
        return
    files = b.broken_files
    st.warning(
        f"{len(files)} question-bank file(s) have problems; their broken entries were skipped: "
        + ", ".join(Path(f).name for f in files)
        + ". Run `python -m interviewer validate` for details."
    )
    with st.expander("Problems"):
        st.code("\n".join(str(p) for p in b.problems), language=None)


def current_grader() -> Grader:
    current = settings()
    return get_grader(choose(current), settings=current)


def submit_with_progress(work: Callable[[ProfileStore, Grader], Submission]) -> Submission:
    """Run `work(store, grader)` (save, then grade) in a worker thread while a status box counts the seconds.
    The caller takes the grading budget first (`take_budget(limits.GRADING)`)."""
    grader = current_grader()
    where = f" ({grader.settings.llm_model or 'server default'})" if grader.needs_server else ""
    with (
        st.status(f"Grading with the {grader.name} grader{where}...", expanded=False) as status,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        started = time.monotonic()
        future = pool.submit(work, store(), grader)
        # Wakes as soon as the grade is ready (a fixed sleep added up to 0.2 s to every Submit); counts seconds.
        while not wait([future], timeout=0.5).done:
            status.update(label=f"Grading with the {grader.name} grader{where}... {time.monotonic() - started:.0f} s")
        result = future.result()
        label = f"Graded in {time.monotonic() - started:.1f} s" if result.grade else "Grading failed"
        status.update(label=label, state="complete" if result.grade else "error")
    return result


def warm_up() -> None:
    """Load what the chosen offline grader needs (the embedding models: 1.5-5 s) in the background when the app
    starts, by grading one model answer on a thread, so the first Submit feels like every other one. Once per
    process and grader; a grader that talks to a server has nothing to load here."""
    current = settings()
    name = choose(current)
    cls = grader_class(name)
    if cls is None or not cls.offline:
        return
    b = bank()
    question = min((q for q in b.questions.values() if q.kind == "scenario"), key=lambda q: q.id, default=None)
    if question is not None:
        _warming(name, question.id, b)


@st.cache_resource(show_spinner=False, max_entries=4)
def _warming(name: str, question_id: str, _bank: Bank) -> threading.Thread:
    def run() -> None:
        question = _bank.questions[question_id]
        try:
            get_grader(name).grade(question, _bank.rubric_for(question), question.model_answer)
        except Exception:  # the real Submit reports any problem; a warm-up only logs it
            logging.getLogger(__name__).warning("warming up the %s grader failed", name, exc_info=True)

    thread = threading.Thread(target=run, name=f"warm-up-{name}", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner="Loading the speech model...")
def _transcriber(model: str | None, base_url: str | None) -> speech.Transcriber:
    return speech.get_transcriber(model, base_url)


def transcriber() -> speech.Transcriber:
    current = settings()
    if current.stt_model and current.stt_model.startswith("api:"):
        key = current.api_key()
        return speech.get_transcriber(current.stt_model, current.llm_base_url, key)  # keys are never cached
    return _transcriber(current.stt_model, None)
