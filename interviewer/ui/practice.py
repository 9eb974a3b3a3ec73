"""Practice page: pick a question, answer it, get rubric feedback and up to two follow-ups."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st

from ..coaching import interview
from ..history import progress
from ..history.store import ProfileStore
from ..models import Question
from . import state
from .chat import answer_step, render_conversation, render_result
from .escape import md_escape, md_paragraphs
from .packs import pack_caption

ALL = "All topics"
LEVELS = ["easy", "medium", "hard"]


# The page's place in the URL, so a browser refresh (a new session) comes back to it, as the profile does.
URL_QUESTION, URL_TOPIC, URL_LEVELS, URL_SESSION = "q", "topic", "level", "session"
NEW = "new"  # URL_SESSION after "Try again": a fresh answer, not the last one brought back
FRESH = "practice_fresh"  # (profile, question) started afresh in this browser session


def _from_url(questions: list[Question]) -> None:
    """A new browser session opened on a Practice URL: select its question and filters (once, before the
    widgets exist; anything unknown in the URL is ignored)."""
    if "practice_question" in st.session_state:
        return
    params = st.query_params
    by_id = {q.id: q for q in questions}
    topic = params.get(URL_TOPIC)
    levels = [lvl for lvl in params.get(URL_LEVELS, "").split(",") if lvl in LEVELS]
    if topic in {q.topic for q in questions}:
        st.session_state["practice_topic"] = topic
    if levels:
        st.session_state["practice_difficulty"] = levels
    question = by_id.get(params.get(URL_QUESTION, ""))
    if question is None:
        return
    if question.topic != st.session_state.get("practice_topic", question.topic) or question.difficulty not in (
        st.session_state.get("practice_difficulty") or LEVELS
    ):  # a hand-edited URL: the question wins over the filters
        st.session_state["practice_topic"], st.session_state["practice_difficulty"] = ALL, list(LEVELS)
    st.session_state["practice_question"] = question.id


def _url_session(store: ProfileStore, question_id: str) -> int | str | None:
    """The practice session the URL names for this question (its step: answered, a follow-up, done), if it is
    this profile's and about this question; or NEW."""
    value = st.query_params.get(URL_SESSION)
    if value == NEW:
        return NEW
    if not (value or "").isdigit():
        return None
    row = store.session(int(value))
    if row is None or row.mode != "practice" or not row.state_json:
        return None
    session = interview.Session.model_validate_json(row.state_json)
    return row.id if session.runs and session.runs[0].question_id == question_id else None


def _to_url(question: Question, session_id: int | None, fresh: bool) -> None:
    params = {
        URL_QUESTION: question.id,
        URL_TOPIC: st.session_state.get("practice_topic", ALL),
        URL_LEVELS: ",".join(st.session_state.get("practice_difficulty", LEVELS)),
    }
    if params[URL_TOPIC] == ALL:
        params.pop(URL_TOPIC)
    if params[URL_LEVELS] == ",".join(LEVELS):
        params.pop(URL_LEVELS)
    if session_id:
        params[URL_SESSION] = str(session_id)
    elif fresh:
        params[URL_SESSION] = NEW
    for key in (URL_QUESTION, URL_TOPIC, URL_LEVELS, URL_SESSION):
        if key in params:
            if st.query_params.get(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]


def _pick_question(questions: list[Question]) -> Question | None:
    _from_url(questions)
    topics = sorted({q.topic for q in questions})
    c1, c2 = st.columns(2)
    topic = c1.selectbox("Topic", [ALL, *topics], key="practice_topic")
    # The default lives in session state, not in `default=`: other pages set this widget's value
    # (Try again, Practise), and Streamlit warns when a widget has both.
    st.session_state.setdefault("practice_difficulty", list(LEVELS))
    levels = c2.multiselect("Difficulty", LEVELS, key="practice_difficulty")
    shown = [q for q in questions if (topic == ALL or q.topic == topic) and q.difficulty in levels]
    if not shown:
        st.info("No questions match these filters.")
        return None
    by_id = {q.id: q for q in shown}
    qid = st.selectbox(
        "Question",
        list(by_id),
        key="practice_question",
        format_func=lambda i: f"{by_id[i].title}  ({by_id[i].difficulty})",
    )
    return by_id[qid]


def _recommend() -> None:
    recs = progress.recommendations(state.store(), state.bank(), limit=1)
    if recs:
        st.session_state["practice_topic"] = ALL
        st.session_state["practice_difficulty"] = list(LEVELS)
        st.session_state["practice_question"] = recs[0][0]
        st.session_state["practice_why"] = {recs[0][0]: recs[0][1]}


def _when(created_at: str) -> str:
    """'14:05, 25 min ago' in the browser's time zone (UTC when the browser did not say)."""
    at = datetime.fromisoformat(created_at)
    try:
        local, zone = at.astimezone(ZoneInfo(st.context.timezone)), ""
    except (TypeError, ValueError, ZoneInfoNotFoundError):  # no or unknown time zone
        local, zone = at.astimezone(UTC), " UTC"
    minutes = round((datetime.now(UTC) - at).total_seconds() / 60)
    return f"{local:%H:%M}{zone}, " + (f"{minutes} min ago" if minutes >= 1 else "just now")


def _last_answer(store: ProfileStore, question_id: str) -> tuple[interview.Session, str] | None:
    """This question's recent practice session, when a new browser session (a refresh) opens it: the
    answer and its feedback are in the database, only the browser session forgot them."""
    if store.draft(f"practice:{question_id}:main"):  # a new answer was begun since; show that
        return None
    found = interview.recent_practice(store, question_id, now=time.time())
    return (found[0], found[1].created_at) if found else None


def start_fresh(question_id: str, profile: str) -> None:
    """The next answer to this question is a new attempt, timed from now: not this browser session's last
    one, nor the recent one a refresh would bring back. Try again here, and from History and Progress."""
    st.session_state.get("practice_sessions", {}).pop(question_id, None)
    st.session_state.setdefault("practice_restored", {})[profile, question_id] = None
    st.session_state.setdefault(FRESH, set()).add((profile, question_id))  # and says so in the URL
    st.session_state.setdefault("practice_shown_at", {})[question_id] = time.time()


def render() -> None:
    st.title("Practice")
    bank = state.bank()
    state.bank_warning(bank)
    st.button(
        "Next recommended question",
        key="practice_recommend",
        on_click=_recommend,
        help="Spaced repetition: reviews that are due, then weak topics, then new questions.",
    )
    questions = sorted(
        (q for q in bank.questions.values() if q.kind == "scenario"), key=lambda q: (q.topic, q.difficulty, q.id)
    )
    if not questions:
        st.error("The question bank is empty: no valid question could be loaded.")
        st.stop()
    question = _pick_question(questions)
    if question is None:
        return
    pack_caption(bank, question.id)
    why = st.session_state.get("practice_why", {}).get(question.id)
    if why:
        st.caption(f"Recommended: {md_escape(why)}")
    rubric = bank.rubric_for(question)
    store = state.store()
    profile = store.profile
    sessions = st.session_state.setdefault("practice_sessions", {})
    shown_at = st.session_state.setdefault("practice_shown_at", {}).setdefault(question.id, time.time())
    session = interview.resume(store, sessions[question.id]) if question.id in sessions else None
    # Looked up once per question and browser session, so "Try again" really starts afresh.
    restored = st.session_state.setdefault("practice_restored", {})  # (profile, question) -> answered at
    if session is None and (profile, question.id) not in restored:
        named = _url_session(store, question.id)  # a refresh: the URL says which answer was on the page
        if named == NEW:
            restored[profile, question.id] = None
            st.session_state.setdefault(FRESH, set()).add((profile, question.id))
        elif named:
            session, sessions[question.id] = interview.resume(store, named), named
            first = store.attempt(session.runs[0].attempt_id) if session.runs[0].attempt_id else None
            restored[profile, question.id] = first.created_at if first else None
        else:
            found = _last_answer(store, question.id)
            restored[profile, question.id] = found[1] if found else None
            if found:
                session, sessions[question.id] = found[0], found[0].id
    if session is not None and session.runs[0].attempt_id and store.attempt(session.runs[0].attempt_id) is None:
        session = None  # its answer was deleted on the History page: start afresh
        sessions.pop(question.id, None)
    if session is None:
        # A session is created only when the first answer arrives, so browsing questions leaves no trace.
        session = interview.Session(id=0, mode="practice", runs=[interview.QuestionRun(question_id=question.id)])
    run = session.runs[0]
    finished = run.done or (run.answered and not run.pending_follow_up)  # or grading failed
    _to_url(question, session.id or None, fresh=(profile, question.id) in st.session_state.get(FRESH, set()))

    answered_at = restored.get((profile, question.id)) if session.id else None
    if answered_at:
        st.info(f"Your last answer to this question ({_when(answered_at)})")
        if not finished:  # a finished one has "Try again" under its result
            st.button("Start a new answer", key="practice_new", on_click=start_fresh, args=(question.id, profile))
    render_conversation(session, run, question, coached=True)
    if finished:
        render_result(run, rubric)
        with st.expander("Model answer"):
            st.markdown(md_paragraphs(question.model_answer))
        st.button("Try again", key="practice_again", on_click=start_fresh, args=(question.id, profile))
        return

    def open_session() -> interview.Session:
        # Created on the first answer, with the clock started when the question was shown.
        real = interview.start(store, bank, "practice", [question.id])
        interview.begin_question(real, shown_at)
        sessions[question.id] = real.id
        return real

    if answer_step(session, run, key_prefix="answer", ensure_session=None if session.id else open_session):
        st.rerun()
