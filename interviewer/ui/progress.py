"""Progress page: scores over time, mastery per topic, the weakness map, and what to practise next."""

from __future__ import annotations

import json

import streamlit as st

from ..coaching import delivery_trends, speech
from ..history import progress, scores
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
    st.caption("Average per day of your answers' final scores, after follow-ups.")
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


def _ago(days: int | None) -> str:
    if days is None:
        return "never"
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


def _readiness(store: ProfileStore, bank) -> None:
    st.subheader("Readiness per topic")
    st.caption(
        f"Strong: your latest scores in the topic average {progress.STRONG} or more (after follow-ups). "
        "Topics to practise come first."
    )
    rows = progress.readiness(store, bank)
    st.dataframe(
        [
            {
                "topic": r.topic,
                "readiness": r.status,
                "score": f"{r.mastery:.0f}" if r.mastery is not None else "",
                "tried": f"{r.tried} of {r.total}",
                "last practised": _ago(r.days_since),
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
        height=35 * (len(rows) + 1) + 3,  # every topic, no scrolling inside the table
        column_config={
            "topic": st.column_config.TextColumn(width=150),
            "readiness": st.column_config.TextColumn(width=80),
            "score": st.column_config.TextColumn(width=56),
            "tried": st.column_config.TextColumn(width=64),
            "last practised": st.column_config.TextColumn(width=100),
        },
    )


def _latest(store: ProfileStore, bank) -> None:
    latest = store.attempts(limit=1)
    if latest and latest[0].score is not None:
        a = latest[0]
        title = bank.questions[a.question_id].title if a.question_id in bank.questions else a.question_id
        st.caption(f"Latest answer: {md_escape(title)}, score {scores.label(a.score, a.final_score)}")


def _delivery(store: ProfileStore) -> None:
    """Pace, fillers and hedges a minute per week from spoken answers long enough to judge, with the pace
    band to aim for."""
    recordings = store.spoken_deliveries()
    if not recordings:
        return
    st.subheader("Delivery over time")
    weeks = delivery_trends.for_profile(store)
    if not weeks:
        st.caption(
            f"Your recordings so far were too short to judge pace and fillers (each needs at least "
            f"{speech.MIN_SPEECH_S:.0f} s and {speech.MIN_WORDS} words of speech)."
        )
        return
    low, high = delivery_trends.TARGET_WPM
    counted = sum(w.answers for w in weeks)
    st.caption(
        f"Per week, from {counted} of your {len(recordings)} recording(s): those with at least "
        f"{speech.MIN_SPEECH_S:.0f} s and {speech.MIN_WORDS} words of speech. The band is the pace to aim for, "
        f"{low}-{high} words a minute."
    )
    import altair as alt

    data = [w.model_dump() for w in weeks]
    band = alt.Chart(alt.Data(values=[{"low": low, "high": high}])).mark_rect(opacity=0.15, color="green")
    pace = alt.Chart(alt.Data(values=data)).mark_line(point=True)
    st.altair_chart(
        band.encode(y=alt.Y("low:Q", title="words a minute"), y2="high:Q")
        + pace.encode(
            x=alt.X("week:T", title="week of", axis=alt.Axis(format="%d %b")),
            y="wpm:Q",
            tooltip=["week:T", "wpm:Q", "answers:Q"],
        ),
        width="stretch",
    )
    habits = [
        {"week": w.week, "what": what, "a minute": value}
        for w in weeks
        for what, value in (("fillers", w.fillers_per_min), ("hedges", w.hedges_per_min))
    ]
    st.altair_chart(  # points as well as lines: one week is a dot, not an empty chart
        alt.Chart(alt.Data(values=habits))
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title="week of", axis=alt.Axis(format="%d %b")),
            y=alt.Y("a minute:Q", title="fillers and hedges a minute"),
            color=alt.Color("what:N", title=None),
            tooltip=["week:T", "what:N", "a minute:Q"],
        )
        .properties(height=220),
        width="stretch",
    )


def _answers(store: ProfileStore, bank) -> None:
    days = store.scores_by_day()
    excluded = store.count_excluded()
    if excluded:
        st.caption(f"{excluded} answer(s) left out of progress; History can count them again.")
    if not days:
        st.info("No graded attempts yet. Your progress appears here after your first answers.")
        return
    _readiness(store, bank)
    _score_over_time(days)
    _latest(store, bank)
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
    _delivery(store)
    _quiz_progress(store)  # the warm-up comes after the interview answers it warms up for
