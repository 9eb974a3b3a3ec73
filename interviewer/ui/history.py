"""History page: saved attempts with filters, each with its full feedback, provenance and a comparison."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ..coaching import limits
from ..coaching.answers import grade_again, interrupted
from ..errors import UserError
from ..graders import available
from ..history import export, scores
from ..history.store import SavedAttempt, Store
from ..models import LEVEL_LABELS, Attempt
from . import state
from .chat import render_delivery
from .escape import md_paragraphs
from .feedback import md_escape, render_criterion, render_grade
from .mock import resume_buttons
from .packs import pack_caption
from .progress import follow_goto, practise

PAGE_SIZE = 200
ANY = "any"
REGRADED = "history_regraded"  # the outcome of Grade again, shown once on the next run


def _filters(bank, graders: list[str]) -> dict[str, str | None]:
    with st.expander("Filters"):
        c1, c2, c3 = st.columns(3)
        topic = c1.selectbox("Topic", [ANY, *bank.topics()], key="history_topic")
        grader = c2.selectbox("Grader", [ANY, *graders], key="history_grader")
        mode = c3.selectbox("Mode", [ANY, "practice", "mock", "walkthrough"], key="history_mode")
        ids = sorted(q.id for q in bank.questions.values() if topic in (ANY, q.topic))
        question = st.selectbox(
            "Question",
            [ANY, *ids],
            key="history_question",
            format_func=lambda i: i if i == ANY else bank.questions[i].title,
        )
        dates = st.date_input("Dates", value=(), key="history_dates", max_value=dt.date.today())
    since = until = None
    if isinstance(dates, tuple | list) and dates:
        since, until = dates[0].isoformat(), dates[-1].isoformat()
    return {
        "topic": None if topic == ANY else topic,
        "grader": None if grader == ANY else grader,
        "mode": None if mode == ANY else mode,
        "question_id": None if question == ANY else question,
        "since": since,
        "until": until,
    }


def _text(text: str) -> None:
    for paragraph in filter(None, (p.strip() for p in text.splitlines())):
        st.markdown(md_escape(paragraph))


def _status(attempt: Attempt) -> str:
    """An attempt whose grading was cut off reads "not graded"; one left out of progress says so."""
    status = "not graded" if interrupted(attempt) else attempt.status
    return f"{status}, excluded" if getattr(attempt, "excluded", False) else status


def _grade_again(attempt_id: int) -> None:
    try:
        state.take_budget(limits.GRADING)
        with st.spinner("Grading..."):
            result = grade_again(state.store(), state.current_grader(), state.bank(), attempt_id)
    except UserError as exc:
        st.session_state[REGRADED] = f"error: {exc}"
        return
    st.session_state[REGRADED] = f"error: Grading failed again: {result.error}" if result.error else "Graded."


def _grade_again_button(attempt: Attempt) -> None:
    st.button("Grade again", key=f"history_regrade_{attempt.id}", on_click=_grade_again, args=(attempt.id,))


def _compare(attempt: Attempt, previous: Attempt) -> None:
    st.subheader("Compared with your previous attempt")
    final = getattr(previous, "final_score", None)
    st.caption(
        f"Previous: #{previous.id}, {previous.created_at[:16].replace('T', ' ')}, "
        f"score {scores.label(previous.score, final)}"
    )
    before = {c.id: c for c in previous.grade.criteria}
    rows = []
    for c in attempt.grade.criteria:
        old = before.get(c.id)
        rows.append(
            {
                "criterion": c.name or c.id,
                "level": (f"{old.level} {LEVEL_LABELS[old.level]} → " if old else "")
                + f"{c.level} {LEVEL_LABELS[c.level]}",
                "evidence now": c.evidence[0].quote if c.evidence else "",
            }
        )
    # A static table wraps long quotes: a dataframe in the centred layout cut off "evidence now".
    st.table(rows, hide_index=True)


def _table(attempts: list[SavedAttempt], title) -> None:
    """Narrow columns, the score second: the centred layout (about 700 px) shows every column, and a phone
    (390 px) still shows when and the score, with the rest a swipe away."""
    st.dataframe(
        [
            {
                "when": f"{dt.datetime.fromisoformat(a.created_at):%d %b %H:%M}",  # UTC, like the rest of History
                "score": scores.short(a.score, a.final_score, missing=a.status),
                "question": title(a.question_id),
                "status": _status(a),
                "grader": a.grader or "",  # the name the Grader filter above uses
                "topic": a.topic,
            }
            for a in attempts
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "when": st.column_config.TextColumn(width=92),
            "score": st.column_config.TextColumn(
                width=64, help="Your first answer's score → the score after follow-ups, when they changed it"
            ),
            "question": st.column_config.TextColumn(width=250),
            "status": st.column_config.TextColumn(width=72),
            "grader": st.column_config.TextColumn(width=72),
            "topic": st.column_config.TextColumn(width=110),
        },
    )


def _downloads(profile: str, bank) -> None:
    """The whole history as a report (Markdown), a spreadsheet (CSV) or a backup to import (JSON). Made when a
    button is clicked, on its own connection: the export runs beside the page's next run."""
    path = state.settings().db_path

    def made(fmt: str):
        def make() -> str:
            database = Store.open(path)
            try:
                return export.dumps(database.for_profile(profile), fmt, bank)
            finally:
                database.close()

        return make

    with st.expander("Download your history"):
        cols = st.columns(3)
        for col, (fmt, label, mime) in zip(
            cols,
            [
                ("md", "Report (Markdown)", "text/markdown"),
                ("csv", "Table (CSV)", "text/csv"),
                ("json", "Backup (JSON)", "application/json"),
            ],
            strict=True,
        ):
            col.download_button(
                label,
                made(fmt),
                file_name=f"interviewer-{profile}.{fmt}",
                mime=mime,
                key=f"history_download_{fmt}",
                on_click="ignore",
            )
        st.caption("The JSON backup can be imported again with `interviewer import FILE`.")


CONFIRM_DELETE = "history_confirm_delete"


def _exclude(attempt_id: int, excluded: bool) -> None:
    state.store().set_excluded(attempt_id, excluded)
    st.toast("Left out of your progress." if excluded else "Counted in your progress again.")


def _delete(attempt_id: int) -> None:
    state.store().delete_attempt(attempt_id)
    st.session_state.pop(CONFIRM_DELETE, None)
    st.session_state.pop("history_attempt", None)
    st.toast("Attempt deleted.")


def _controls(attempt: SavedAttempt) -> None:
    """Leave a junk answer out of progress (undone by one click), or delete it (asked first)."""
    c1, c2 = st.columns(2)
    if attempt.excluded:
        st.caption("Left out of your progress: weakest areas, mastery and recommendations ignore it.")
        c1.button("Count in progress again", key="history_include", on_click=_exclude, args=(attempt.id, False))
    else:
        c1.button(
            "Leave out of progress",
            key="history_exclude",
            on_click=_exclude,
            args=(attempt.id, True),
            help="For a test answer or a bad recording: it stays here, but progress ignores it.",
        )
    if c2.button("Delete", key="history_delete"):
        st.session_state[CONFIRM_DELETE] = attempt.id
    if st.session_state.get(CONFIRM_DELETE) == attempt.id:
        st.warning("Delete this answer, its follow-ups and their feedback? This cannot be undone.")
        y, n = st.columns(2)
        y.button("Yes, delete it", key="history_delete_confirm", type="primary", on_click=_delete, args=(attempt.id,))
        n.button("Keep it", key="history_delete_cancel", on_click=st.session_state.pop, args=(CONFIRM_DELETE, None))


def render() -> None:
    st.title("History")
    follow_goto()
    store, bank = state.store(), state.bank()
    resume_buttons("history_resume")
    # Registered graders, and any that graded this history but is no longer installed (a plugin).
    graders = sorted(set(available()) | set(store.graders()))
    filters = _filters(bank, graders)
    attempts = store.attempts(limit=PAGE_SIZE, **filters)
    if not attempts:
        if any(filters.values()):
            st.info("No attempts match these filters.")
        else:
            st.info("No attempts yet. Answer a question on the Practice page and it will appear here.")
        return
    total = store.count_filtered(**filters)
    st.caption(f"{total} attempt(s)" + (f", newest {PAGE_SIZE} shown" if total > PAGE_SIZE else ""))

    def title(qid: str) -> str:
        q = bank.questions.get(qid)
        return q.title if q else qid

    _table(attempts, title)
    _downloads(store.profile, bank)
    by_id = {a.id: a for a in attempts}
    if st.session_state.get("history_attempt") not in by_id:  # deleted, or filtered out
        st.session_state.pop("history_attempt", None)
    chosen = st.selectbox(
        "Open an attempt",
        list(by_id),
        key="history_attempt",
        format_func=lambda i: (
            f"#{i} · {title(by_id[i].question_id)} · "
            + (scores.label(by_id[i].score, by_id[i].final_score) if by_id[i].score is not None else _status(by_id[i]))
        ),
    )
    attempt = by_id[chosen]
    if outcome := st.session_state.pop(REGRADED, None):
        if outcome.startswith("error: "):
            st.error(md_escape(outcome.removeprefix("error: ")))
        else:
            st.success(outcome)
    question = bank.questions.get(attempt.question_id)
    st.subheader(md_escape(title(attempt.question_id)))
    pack_caption(bank, attempt.question_id)
    if attempt.score is not None:
        st.markdown(f"**Score:** {scores.label(attempt.score, attempt.final_score)}")
    if question:
        st.markdown(md_paragraphs(question.prompt))
        st.button("Try again", key="history_retry", on_click=practise, args=(question.id,))
    _controls(attempt)
    st.markdown("**Your answer**")
    with st.container(border=True):
        _text(attempt.answer)
    if attempt.delivery:
        render_delivery(attempt.delivery)
    if attempt.time_taken_s:
        over = " (over the suggested time)" if attempt.overran else ""
        st.caption(f"Answered in {attempt.time_taken_s / 60:.1f} min{over}")
    if attempt.grade:
        render_grade(attempt.grade, question)
        p = attempt.grade.provenance
        with st.expander("Provenance"):
            st.json(
                {
                    "grader": attempt.grade.grader,
                    "model": attempt.grade.model,
                    "host": p.host,
                    "prompt_version": p.prompt_version,
                    "rubric": f"{attempt.rubric_id} v{attempt.rubric_version}",
                    "latency_ms": p.latency_ms,
                    "prompt_tokens": p.prompt_tokens,
                    "completion_tokens": p.completion_tokens,
                    "fallback_reason": attempt.grade.fallback_reason,
                }
            )
    elif attempt.status == "failed":
        st.error(f"Grading failed: {md_escape(attempt.error or '')}. The answer is kept.")
        _grade_again_button(attempt)
    elif interrupted(attempt):
        st.warning("Not graded: grading was interrupted (the app stopped while it graded). The answer is kept.")
        _grade_again_button(attempt)
    else:
        st.info("Being graded now (or it just stopped); it shows as not graded after a few minutes.")
    for follow_up in store.follow_ups(attempt.id):
        with st.container(border=True):
            st.markdown(f"**Follow-up** on {md_escape(follow_up.criterion_id or '')}")
            _text(follow_up.answer)
            if follow_up.grade:
                render_criterion(follow_up.grade.criteria[0])
    previous = store.previous_attempt(attempt) if attempt.grade else None
    if previous and previous.grade:
        _compare(attempt, previous)
