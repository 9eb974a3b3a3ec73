"""Mock interview page: several questions, a countdown each, coached or interview mode, and a final report."""

from __future__ import annotations

import time

import streamlit as st

from ..coaching import interview
from ..coaching.answers import find_question
from ..history import scores
from ..history.store import SessionRow
from . import state
from .chat import answer_step, render_conversation, render_result
from .feedback import md_escape
from .packs import pack_label

SESSION = "mock_session"
NOT_ANSWERED = "not answered"
READ_ALOUD = "mock_read_aloud"  # outlives the setup form's checkbox, whose state goes when it is not shown
CONFIRM_END = "mock_confirm_end"  # "End interview now" was pressed: ask before ending


def _setup() -> None:
    bank = state.bank()
    topics = sorted({q.topic for q in bank.questions.values() if q.kind == "scenario"})
    st.multiselect("Topics", topics, default=topics, key="mock_topics")
    st.multiselect("Difficulty", ["easy", "medium", "hard"], default=["easy", "medium", "hard"], key="mock_difficulty")
    st.slider("Questions", 1, 10, 4, key="mock_count")
    st.radio(
        "Mode",
        ["coached", "interview"],
        key="mock_mode",
        horizontal=True,
        captions=["feedback after each answer", "feedback at the end, like the real thing"],
    )
    settings = state.settings()
    st.checkbox(
        "Read each new question aloud",
        value=settings.tts_autoplay_mock,
        key="mock_autoplay",
        disabled=settings.tts_backend == "off",
        help="Every question has a 🔊 Listen control either way. Voice and speed are on the Settings page.",
    )
    if st.button("Start interview", key="mock_start", type="primary"):
        ids = interview.plan(
            bank,
            topics=st.session_state["mock_topics"],
            difficulties=st.session_state["mock_difficulty"],
            count=st.session_state["mock_count"],
        )
        if not ids:
            st.warning("No questions match these settings.")
            return
        start(ids, coached=st.session_state["mock_mode"] == "coached", read_aloud=st.session_state["mock_autoplay"])
        st.rerun()
    resume_buttons("mock_resume")


def start(question_ids: list[str], *, coached: bool = True, read_aloud: bool | None = None) -> None:
    """Start a mock interview with exactly these questions, in this order (the setup form's plan, or a
    preset list such as the Tailor page's top matches); the Mock interview page then shows it."""
    session = interview.start(state.store(), state.bank(), "mock", question_ids, coached=coached)
    st.session_state[SESSION] = session.id
    st.session_state.pop(CONFIRM_END, None)
    st.session_state[READ_ALOUD] = state.settings().tts_autoplay_mock if read_aloud is None else read_aloud


def resume_label(row: SessionRow, session: interview.Session, bank) -> str:
    """A button label that tells unfinished interviews apart: several can start in the same minute."""
    when = row.started_at[:16].replace("T", " ")
    answered = sum(run.answered for run in session.runs)
    known = [bank.questions[r.question_id] for r in session.runs if r.question_id in bank.questions]
    topics = list(dict.fromkeys(q.topic for q in known))
    about = ", ".join(topics[:3])  # slugs + (f" +{len(topics) - 3}" if len(topics) > 3 else "")
    first = f" · first: {md_escape(known[0].title)}" if known else ""
    return f"Resume {when} · {answered} of {len(session.runs)} answered · {about}{first}"


def resume_buttons(key_prefix: str) -> None:
    """Buttons that reopen this profile's unfinished mock interviews on the Mock interview page."""
    unfinished = interview.unfinished(state.store(), "mock")
    if not unfinished:
        return
    bank = state.bank()
    st.subheader("Unfinished mock interviews")
    for row, session in unfinished[:5]:
        if st.button(resume_label(row, session, bank), key=f"{key_prefix}_{row.id}"):
            st.session_state[SESSION] = row.id
            st.switch_page("interviewer/ui/pages/mock.py")


@st.fragment(run_every=1)
def _countdown(started_at: float, minutes: float) -> None:
    left = minutes * 60 - (time.time() - started_at)
    if left >= 0:
        st.progress(min(1.0, left / (minutes * 60)), text=f"⏱️ {int(left // 60)}:{int(left % 60):02d} left")
    else:
        st.progress(1.0, text=f"⏱️ {int(-left // 60)}:{int(-left % 60):02d} over the suggested time (keep going)")


def _score(q: interview.QuestionResult) -> str:
    if not q.answered:
        return NOT_ANSWERED
    return scores.label(q.score_before, q.score_after)  # "62 → 81 after follow-ups", as on every page


def _time(q: interview.QuestionResult) -> str:
    if not q.time_taken_s:
        return ""
    return f"{q.time_taken_s / 60:.1f} min" + (", over time" if q.overran else "")


def _criteria(title: str, rows: list[tuple[str, float]], none: str) -> str:
    if not rows:
        return f"**{title}**\n\n{none}"
    return f"**{title}**\n" + "".join(f"\n- {md_escape(n)} ({m:.1f}/4)" for n, m in rows)


def _report(session: interview.Session) -> None:
    bank = state.bank()
    rep = interview.report(session, bank)
    st.subheader("Interview report")
    if rep.average is not None:
        st.metric("Average score", f"{rep.average}/100")
    # A static table wraps long titles; a dataframe in the centred layout cut off its last columns.
    st.table(
        [
            {"question": md_escape(q.title), "topic": q.topic, "score": _score(q), "time": _time(q)}
            for q in rep.questions
        ],
        hide_index=True,
    )
    nothing = "Nothing was scored in this interview." if rep.average is None else None
    c1, c2 = st.columns(2)
    c1.markdown(_criteria("Strongest", rep.strongest, nothing or "No criterion reached 2/4 on average yet."))
    c2.markdown(_criteria("Weakest", rep.weakest, nothing or "Every criterion reached 3/4 or more on average."))
    if rep.practice_next:
        st.markdown("**Practice next:** " + ", ".join(md_escape(bank.questions[q].title) for q in rep.practice_next))
    # In both modes: coached feedback scrolled away question by question; the report is where to review it.
    st.subheader("Feedback per question")
    for run in session.runs:
        question, _ = find_question(bank, run.question_id)
        if not run.answered:  # ended early: there is no feedback to open
            st.markdown(f"{md_escape(question.title)}: *{NOT_ANSWERED}*")
            continue
        with st.expander(md_escape(question.title)):
            render_conversation(session, run, question, coached=True)
    if st.button("New interview", key="mock_new"):
        st.session_state.pop(SESSION, None)
        st.rerun()


def render() -> None:
    st.title("Mock interview")
    if SESSION not in st.session_state:
        _setup()
        return
    store, bank = state.store(), state.bank()
    session = interview.resume(store, st.session_state[SESSION])
    if session is None:
        st.session_state.pop(SESSION)
        st.rerun()
    if session.finished:
        _report(session)
        return
    run = session.current
    question, rubric = find_question(bank, run.question_id)
    if run.started_at is None:
        interview.begin_question(session, time.time())
        interview.save(store, session)
    pack = bank.pack(question.id)
    st.caption(
        f"Question {session.index + 1} of {len(session.runs)} · "
        + ("coached: feedback after each answer" if session.coached else "interview: feedback at the end")
        + (f" · from pack {pack_label(pack)}" if pack else "")
    )
    if not run.answered:
        _countdown(run.started_at, question.suggested_minutes)
    autoplay = st.session_state.get(READ_ALOUD, state.settings().tts_autoplay_mock)
    render_conversation(session, run, question, coached=session.coached, autoplay=autoplay)
    if run.done and session.coached:
        render_result(run, rubric)
    if not run.done and (not run.answered or run.pending_follow_up) and answer_step(session, run, key_prefix="mock"):
        st.rerun()
    last = session.index == len(session.runs) - 1
    c1, c2 = st.columns(2)
    if (run.done or run.answered) and c1.button(
        "Finish" if last else "Next question", key="mock_next", type="primary" if run.done else "secondary"
    ):
        interview.next_question(store, session)
        st.rerun()
    # Ending skips every question left, so it asks first: one click should not throw away an interview.
    if c2.button("End interview now", key="mock_end"):
        st.session_state[CONFIRM_END] = True
    if st.session_state.get(CONFIRM_END):
        left = len(session.runs) - session.index - (1 if run.answered else 0)
        st.warning(f"End the interview now? {left} question(s) not yet answered will count as not answered.")
        y, n = st.columns(2)
        if y.button("Yes, end it", key="mock_end_confirm", type="primary"):
            st.session_state.pop(CONFIRM_END, None)
            while not session.finished:
                interview.next_question(store, session)
            st.rerun()
        if n.button("Keep going", key="mock_end_cancel"):
            st.session_state.pop(CONFIRM_END, None)
            st.rerun()
