"""The Settings page's "Question packs" section: the packs folder, installed packs, import, export, remove."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..config import ENV, Settings
from ..content import packs
from ..errors import UserError
from ..models import PackInfo
from .escape import md_escape

FOLDER = "settings_packs_dir"  # saved with the page's Save button, like the other settings
UPLOAD = "pack_upload"
MESSAGE = "pack_message"  # the outcome of the last import or removal, shown once on the next run
DONE = "pack_done_id"  # the upload already installed, so it is not offered again


def pack_label(pack: PackInfo) -> str:
    """'*Bootcamp week 3* v2', escaped for markdown."""
    return f"*{md_escape(pack.title or pack.name)}* v{pack.version}"


def pack_caption(bank, question_id: str) -> None:
    """'From pack *X* v2' under a question that comes from a user pack; nothing for a built-in one."""
    if pack := bank.pack(question_id):
        st.caption(f"From pack {pack_label(pack)}")


def folder_input(current: Settings, pinned: set[str]) -> str | None:
    """The packs folder as typed (None: the default), for the page's Save button."""
    st.session_state.setdefault(FOLDER, str(current.packs_dir or ""))
    st.text_input(
        "Packs folder",
        key=FOLDER,
        disabled="packs_dir" in pinned,
        placeholder=f"empty: {Settings().packs_path()}",
        help=f"Your own question packs, loaded beside the built-in bank. Also set by {ENV['packs_dir']}.",
    )
    return st.session_state[FOLDER].strip() or None


def _remove(name: str, folder: Path) -> None:
    try:
        removed = packs.remove_pack(name, folder)
    except UserError as exc:
        st.session_state[MESSAGE] = f"error: {exc}"
    else:
        st.session_state[MESSAGE] = f"Removed pack {name!r} ({', '.join(p.name for p in removed)})."


def _import(data: bytes, filename: str, file_id: str, folder: Path, replace: bool) -> None:
    try:
        result = packs.import_upload(data, filename, folder, replace=replace)
    except UserError as exc:
        st.session_state[MESSAGE] = f"error: {exc}"
    else:
        st.session_state[DONE] = file_id
        st.session_state[MESSAGE] = result.message[0].upper() + result.message[1:] + "."


def _installed(folder: Path, editable: bool) -> None:
    found = packs.list_packs(folder)
    if not found:
        st.caption("No packs installed.")
    for s in found:
        with st.container(border=True):
            by = f" by {md_escape(s.author)}" if s.author else ""
            st.markdown(f"**{md_escape(s.title or s.name)}** v{s.version}{by} · {s.questions} question(s) · `{s.name}`")
            if s.description:
                st.caption(md_escape(s.description))
            if s.problems:
                st.warning(f"{len(s.problems)} problem(s); the broken entries are skipped.")
                st.code("\n".join(s.problems), language=None)
            if not editable:
                continue
            c1, c2 = st.columns(2)
            text = _export(s.name, folder, _stamp(Path(s.file)))
            c1.download_button(
                "Download",
                data=text or "",
                file_name=f"{s.name}.yaml",
                mime="application/x-yaml",
                key=f"pack_download_{s.name}",
                disabled=text is None,
            )
            c2.button("Remove", key=f"pack_remove_{s.name}", on_click=_remove, args=(s.name, folder))


def _stamp(file: Path) -> tuple[int, int]:
    try:
        stat = file.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@st.cache_data(max_entries=64, show_spinner=False)
def _export(name: str, folder: Path, stamp: tuple[int, int]) -> str | None:
    """The pack as one file for its Download button; cached per file version (`stamp`), since the Settings
    page reruns on every widget change."""
    try:
        return packs.export_pack(name, folder)
    except UserError:
        return None  # a broken pack cannot be exported as a clean file; fix or remove it


def _message() -> None:
    message = st.session_state.pop(MESSAGE, None)
    if message and message.startswith("error: "):
        st.error(message.removeprefix("error: ").split("\n")[0])
        lines = message.split("\n")[1:]
        if lines:
            st.code("\n".join(lines), language=None)
    elif message:
        st.success(message)


def _uploader(folder: Path) -> None:
    upload = st.file_uploader("Import a pack (one .yaml file)", type=["yaml", "yml"], key=UPLOAD)
    if upload is None or upload.file_id == st.session_state.get(DONE):
        return
    data = upload.getvalue()
    check = packs.check_upload(data, upload.name, folder)
    if check.problems:
        st.error(f"{check.filename} has {len(check.problems)} problem(s); nothing was installed.")
        st.code("\n".join(check.problems), language=None)
        return
    assert check.pack is not None  # a file without a header has a problem
    what = f"{pack_label(check.pack)} ({check.questions} question(s))"
    args = (data, upload.name, upload.file_id, folder)
    if check.installed_version is None:
        st.info(f"{what} is valid.")
        st.button("Install", key="pack_import", type="primary", on_click=_import, args=(*args, False))
    else:
        st.warning(f"A pack named `{check.pack.name}` is installed (v{check.installed_version}).")
        label = f"Replace v{check.installed_version} with v{check.pack.version}"
        st.button(label, key="pack_replace", type="primary", on_click=_import, args=(*args, True))


def render(current: Settings, pinned: set[str] | None = None, shared: bool = False) -> str | None:
    """The section; returns the packs folder typed for saving (None on a shared deployment or default)."""
    st.subheader("Question packs")
    folder = current.packs_path()
    typed = None
    if shared:  # the folder is the deployment's: users see the packs, they cannot change them
        st.caption("Packs installed by this deployment's operator.")
    else:
        typed = folder_input(current, pinned or set())
        st.caption(f"Packs are loaded from {folder}. `python -m interviewer pack --help` manages them too.")
    _message()
    _installed(folder, editable=not shared)
    if not shared:
        _uploader(folder)
    return typed
