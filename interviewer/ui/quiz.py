"""Quiz page: a timed multiple-choice warm-up round, then results with explanations."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ..coaching import quiz
from ..errors import UserError
from . import state
from .escape import md_escape
from .glossary import term_popovers
from .speak import listen

ROUND, RESULT = "quiz_round", "quiz_result"
MAX_QUESTIONS = 40


def _start(seed: int | None = None) -> None:
    """Start a round from the settings widgets, or replay the last round's settings with its seed."""
    if seed is None:
        st.session_state["quiz_settings"] = {
            "count": st.session_state["quiz_count"],
            "minutes": st.session_state["quiz_minutes"],
            "topics": st.session_state["quiz_topics"] or None,
            "mix": {d: st.session_state[f"quiz_mix_{d}"] for d in quiz.LEVELS},
        }
    try:
        rnd = quiz.compose(state.bank(), **st.session_state["quiz_settings"], seed=seed, now=datetime.now(UTC))
    except UserError as exc:
        st.session_state["quiz_error"] = str(exc)
        return
    st.session_state[ROUND] = rnd.model_dump_json()
    st.session_state.pop(RESULT, None)
    for key in [k for k in st.session_state if str(k).startswith("quiz_q")]:
        del st.session_state[key]


def _record(index: int) -> None:
    rnd = quiz.Round.model_validate_json(st.session_state[ROUND])
    quiz.answer(rnd, index, st.session_state[f"quiz_q{index}"], datetime.now(UTC))
    st.session_state[ROUND] = rnd.model_dump_json()


def _finish() -> None:
    rnd = quiz.Round.model_validate_json(st.session_state[ROUND])
    result = quiz.finish(rnd, state.bank(), datetime.now(UTC))
    state.store().save_quiz(rnd.model_dump_json(), result.model_dump(mode="json"))
    st.session_state[ROUND] = rnd.model_dump_json()
    st.session_state[RESULT] = result.model_dump_json()


@st.fragment(run_every=1)
def _countdown(deadline: datetime, minutes: float) -> None:
    left = (deadline - datetime.now(UTC)).total_seconds()
    if left > 0:
        st.progress(min(1.0, left / (minutes * 60)), text=f"⏱️ {int(left // 60)}:{int(left % 60):02d} left")
    else:
        st.progress(1.0, text="⏱️ Time is up: answers given now are shown but not counted. Press Finish.")


def _count_changed() -> None:
    """The easy/medium/hard counts follow the number of questions, in their current proportions."""
    mix = {d: st.session_state[f"quiz_mix_{d}"] for d in quiz.LEVELS}
    for d, n in quiz.scaled_mix(st.session_state["quiz_count"], mix if sum(mix.values()) else None).items():
        st.session_state[f"quiz_mix_{d}"] = n


def _mix_changed() -> None:
    """...and the number of questions is the sum of the counts."""
    total = sum(st.session_state[f"quiz_mix_{d}"] for d in quiz.LEVELS)
    st.session_state["quiz_count"] = min(MAX_QUESTIONS, max(1, total))


def _settings() -> None:
    bank = state.bank()
    if not bank.quiz:
        st.error("The quiz bank is empty.")
        st.stop()
    topics = sorted({q.topic for q in bank.quiz.values()})
    c1, c2 = st.columns(2)
    # Defaults in session state, not in the widgets: the callbacks below set these values.
    st.session_state.setdefault("quiz_count", sum(quiz.STANDARD_MIX.values()))
    for level in quiz.LEVELS:
        st.session_state.setdefault(f"quiz_mix_{level}", quiz.STANDARD_MIX[level])
    c1.number_input("Questions", 1, MAX_QUESTIONS, key="quiz_count", on_change=_count_changed)
    c2.number_input("Minutes", 1.0, 90.0, 20.0, key="quiz_minutes")
    st.multiselect("Topics (empty: all)", topics, key="quiz_topics")
    cols = st.columns(3)
    for col, level in zip(cols, quiz.LEVELS, strict=True):
        col.number_input(level.capitalize(), 0, MAX_QUESTIONS, key=f"quiz_mix_{level}", on_change=_mix_changed)
    st.button("Start round", key="quiz_start", type="primary", on_click=_start)
    if "quiz_error" in st.session_state:
        st.warning(st.session_state.pop("quiz_error"))


def _results(rnd: quiz.Round, result: quiz.Result) -> None:
    over = " (over time)" if result.over_time else ""
    c1, c2 = st.columns(2)
    c1.metric("Score", f"{result.correct}/{result.total}", help=f"{result.percent}%")
    c2.metric("Time used", f"{result.time_used_s / 60:.1f} min{over}")
    if result.late:
        st.caption(f"{result.late} answer(s) came after the time limit and were not counted.")
    st.dataframe(
        [{"topic": t, "correct": c, "of": n} for t, (c, n) in sorted(result.per_topic.items())],
        hide_index=True,
        width="stretch",
    )
    bank = state.bank()
    for m in result.missed:
        with st.container(border=True):
            st.markdown(f"**{md_escape(m.question)}**")
            if m.chosen:
                st.markdown(f":red[Your answer{' (too late)' if m.late else ''}:] {md_escape(m.chosen)}")
                if m.why_chosen_is_wrong:
                    st.caption(f"Why not: {md_escape(m.why_chosen_is_wrong)}")
            else:
                st.markdown(":red[No answer.]")
            st.markdown(f":green[Answer:] {md_escape(m.correct)}")
            st.caption(md_escape(m.why_correct))
            term_popovers([t for name in m.terms if (t := bank.term(name))])
    if result.right:
        with st.expander(f"Review the {len(result.right)} you got right"):
            for r in result.right:
                st.markdown(f"**{r.question}**")
                st.markdown(f":green[Your answer:] {r.correct}")
                st.caption(r.why_correct)
    c1, c2 = st.columns(2)
    c1.button("New round", key="quiz_new", on_click=lambda: st.session_state.pop(ROUND, None))
    c2.button(f"Replay this round (seed {rnd.seed})", key="quiz_replay", on_click=_start, args=(rnd.seed,))


def render() -> None:
    st.title("Quiz")
    if ROUND not in st.session_state:
        st.caption("A timed multiple-choice warm-up: the usual round is 15 questions in 20 minutes.")
        _settings()
        return
    rnd = quiz.Round.model_validate_json(st.session_state[ROUND])
    if RESULT in st.session_state:
        _results(rnd, quiz.Result.model_validate_json(st.session_state[RESULT]))
        return
    bank = state.bank()
    _countdown(rnd.deadline, rnd.minutes)
    for i, item in enumerate(rnd.items):
        q = bank.quiz[item.quiz_id]
        options = "; ".join(q.options[o].text for o in item.order)
        listen(f"{q.question} The options: {options}.", f"quiz_{rnd.seed}_{i}")
        st.radio(
            f"**{i + 1}.** {md_escape(q.question)}",
            range(len(item.order)),
            index=None,
            key=f"quiz_q{i}",
            format_func=lambda k, q=q, item=item: md_escape(q.options[item.order[k]].text),
            on_change=_record,
            args=(i,),
        )
    answered = len(rnd.answers)
    st.button(f"Finish ({answered}/{len(rnd.items)} answered)", key="quiz_finish", type="primary", on_click=_finish)
