"""Progress page: scores over time, mastery per topic, the weakness map, and what to practise next."""

from __future__ import annotations

import json

import streamlit as st

from .. import progress
from . import state
from .feedback import md_escape


def practise(question_id: str) -> None:
    """Open a question on the Practice page (a button callback)."""
    st.session_state["practice_topic"] = "All topics"
    st.session_state["practice_difficulty"] = ["easy", "medium", "hard"]
    st.session_state["practice_question"] = question_id
    # A fresh attempt, not the last one (nor the recent one Practice would bring back after a refresh).
    st.session_state.get("practice_sessions", {}).pop(question_id, None)
    st.session_state.setdefault("practice_restored", {})[state.settings().profile, question_id] = None
    st.session_state["goto_practice"] = True


def _quiz_progress(store, profile: str) -> None:
    rounds = store.quiz_rounds(profile)
    if not rounds:
        return
    st.subheader("Quiz rounds")
    rows = list(reversed(rounds))
    st.line_chart(
        {
            "round": [r["started_at"][:16].replace("T", " ") for r in rows],
            "% correct": [round(100 * r["correct"] / r["questions"]) for r in rows],
        },
        x="round",
        y="% correct",
    )
    per_topic: dict[str, list[int]] = {}
    for r in rounds:
        for topic, (right, total) in json.loads(r["result_json"])["per_topic"].items():
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


def render() -> None:
    st.title("Progress")
    if st.session_state.pop("goto_practice", False):
        st.switch_page("interviewer/ui/pages/practice.py")
    store, bank, profile = state.store(), state.bank(), state.settings().profile
    _quiz_progress(store, profile)
    days = progress.scores_by_day(store, profile)
    if not days:
        st.info("No graded attempts yet. Your progress appears here after your first answers.")
        return
    st.subheader("Score over time")
    st.line_chart(
        {"day": [d["day"] for d in days], "average score": [d["score"] for d in days]}, x="day", y="average score"
    )
    mastery = progress.topic_mastery(store, profile)
    st.subheader("Mastery per topic")
    st.caption("Mean of each question's latest score.")
    st.bar_chart(
        {"topic": [m["topic"] for m in mastery], "mastery": [m["mastery"] for m in mastery]},
        x="topic",
        y="mastery",
        horizontal=True,
    )
    st.subheader("Weakness map")
    levels = progress.criterion_levels(store, profile)
    st.dataframe(
        [
            {"topic": r["topic"], "criterion": r["name"], "mean level (0-4)": r["level"], "answers": r["n"]}
            for r in levels[:50]
        ],
        hide_index=True,
        width="stretch",
    )
    st.subheader("Weakest areas")
    for spot in progress.weak_spots(store, bank, profile, limit=3):
        st.markdown(f"- **{md_escape(spot['name'])}** in {spot['topic']} (mean level {spot['level']:.1f}/4)")
        for qid in spot["questions"][:2]:
            st.button(
                f"Practise: {bank.questions[qid].title}",
                key=f"weak_{spot['criterion_id']}_{qid}",
                on_click=practise,
                args=(qid,),
            )
    st.subheader("Practise next")
    for qid, why in progress.recommendations(store, bank, profile, limit=5):
        st.button(f"{bank.questions[qid].title} · {why}", key=f"next_{qid}", on_click=practise, args=(qid,))
