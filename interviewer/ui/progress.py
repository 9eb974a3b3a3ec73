"""Progress page: scores over time, mastery per topic, the weakness map, and what to practise next."""

from __future__ import annotations

import json

import streamlit as st

from ..history import progress
from ..history.store import DayScore, ProfileStore
from . import practice, state, walkthrough
from .feedback import md_escape

PAGES = {
    "scenario": "interviewer/ui/pages/practice.py",
    "checklist": "interviewer/ui/pages/walkthrough.py",  # end-to-end questions are asked only there
}
GOTO = "goto_page"  # set by a button callback; the page switches on its next run (callbacks cannot)


def practise(question_id: str) -> None:
    """Open a question on the page that asks it (a button callback): Practice, or the walkthrough."""
    question = state.bank().questions[question_id]
    if question.kind == "checklist":
        st.session_state["walkthrough_question"] = question_id
        walkthrough.start_fresh(question_id)
    else:
        st.session_state["practice_topic"] = practice.ALL
        st.session_state["practice_difficulty"] = list(practice.LEVELS)
        st.session_state["practice_question"] = question_id
        practice.start_fresh(question_id, state.settings().profile)
    st.session_state[GOTO] = PAGES[question.kind]


def follow_goto() -> None:
    """Switch to the page a `practise` button chose, if one did."""
    page = st.session_state.pop(GOTO, None)
    if page:
        st.switch_page(page)


def _quiz_progress(store: ProfileStore) -> None:
    rounds = store.quiz_rounds()
    if not rounds:
        return
    st.subheader("Quiz rounds")
    rows = list(reversed(rounds))
    st.line_chart(
        {
            "round": [r.started_at[:16].replace("T", " ") for r in rows],
            "% correct": [round(100 * r.correct / r.questions) for r in rows],
        },
        x="round",
        y="% correct",
    )
    per_topic: dict[str, list[int]] = {}
    for r in rounds:
        for topic, (right, total) in json.loads(r.result_json)["per_topic"].items():
            tally = per_topic.setdefault(topic, [0, 0])
            tally[0] += right
            tally[1] += total
    st.dataframe(
        [
            {"topic": t, "% correct": round(100 * c / n), "questions": n}
            for t, (c, n) in sorted(per_topic.items(), key=lambda kv: kv[1][0] / kv[1][1])
        ],
        hide_index=True,
        width="stretch",
    )


def _score_over_time(days: list[DayScore]) -> None:
    st.subheader("Score over time")
    if len(days) == 1:  # a line through one point draws nothing
        (day,) = days
        st.metric(f"Average score on {day.day}", f"{day.score:g}/100")
        st.caption("One day of practice so far: the line starts with your second day.")
        return
    st.line_chart({"day": [d.day for d in days], "average score": [d.score for d in days]}, x="day", y="average score")


def _weakest(store: ProfileStore, bank) -> None:
    st.subheader("Weakest areas")
    offered: set[str] = set()
    for spot in progress.weak_spots(store, bank, limit=3):
        st.markdown(f"- **{md_escape(spot['name'])}** in {spot['topic']} (mean level {spot['level']:.1f}/4)")
        # Two weak criteria often come from the same question: one button for it, under the first.
        fresh = [qid for qid in spot["questions"] if qid not in offered][:2]
        offered.update(fresh)
        if spot["questions"] and not fresh:
            st.caption("Practised by the question above.")
        for qid in fresh:
            label = f"Practise: {md_escape(bank.questions[qid].title)}"
            st.button(label, key=f"weak_{qid}", on_click=practise, args=(qid,))


def _answers(store: ProfileStore, bank) -> None:
    days = store.scores_by_day()
    if not days:
        st.info("No graded attempts yet. Your progress appears here after your first answers.")
        return
    _score_over_time(days)
    mastery = store.topic_mastery()
    st.subheader("Mastery per topic")
    st.caption("Mean of each question's latest score.")
    st.bar_chart(
        {"topic": [m.topic for m in mastery], "mastery": [m.mastery for m in mastery]},
        x="topic",
        y="mastery",
        horizontal=True,
    )
    st.subheader("Weakness map")
    st.caption("Per answer, the best level reached on each criterion, follow-ups included.")
    levels = store.criterion_levels()
    st.dataframe(
        [{"topic": r.topic, "criterion": r.name, "mean level (0-4)": r.level, "answers": r.n} for r in levels[:50]],
        hide_index=True,
        width="stretch",
    )
    _weakest(store, bank)
    st.subheader("Practise next")
    for qid, why in progress.recommendations(store, bank, limit=5):
        label = f"{md_escape(bank.questions[qid].title)} · {md_escape(why)}"
        st.button(label, key=f"next_{qid}", on_click=practise, args=(qid,))


def render() -> None:
    st.title("Progress")
    follow_goto()
    store, bank = state.store(), state.bank()
    _answers(store, bank)
    _quiz_progress(store)  # the warm-up comes after the interview answers it warms up for
