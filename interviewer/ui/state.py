"""Shared resources for the pages: settings, bank, store and grader, built once per run or cached."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..bank import DEFAULT_ROOT, Bank, load_bank
from ..config import Settings, load_settings
from ..graders import Grader, get_grader
from ..store import Store


def _secrets() -> dict:
    try:
        return {k: v for k, v in st.secrets.to_dict().items() if isinstance(v, str | int | float)}
    except Exception:  # no secrets.toml is the normal case
        return {}


def settings() -> Settings:
    return load_settings(secrets=_secrets())


def _bank_signature(root: Path) -> tuple:
    files = sorted([*root.glob("questions/**/*.y*ml"), *root.glob("rubrics/**/*.y*ml")])
    return tuple((str(f), f.stat().st_mtime_ns) for f in files)


@st.cache_resource(show_spinner=False, max_entries=2)
def _cached_bank(signature: tuple) -> Bank:
    return load_bank(DEFAULT_ROOT)


def bank() -> Bank:
    """The bank, reloaded when a file changes so authors see edits on the next rerun."""
    return _cached_bank(_bank_signature(DEFAULT_ROOT))


def store() -> Store:
    # One connection per browser session; its script runs are sequential, so sharing it is safe.
    if "_store" not in st.session_state or st.session_state["_store_path"] != str(settings().db_path):
        st.session_state["_store"] = Store.open(settings().db_path)
        st.session_state["_store_path"] = str(settings().db_path)
    return st.session_state["_store"]


def grader() -> Grader:
    current = settings()
    return get_grader(current.grader_name(), settings=current)


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
