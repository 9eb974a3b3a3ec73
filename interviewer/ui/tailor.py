"""Tailor to a job: paste or upload a job description, see the skills it asks for and the best matching
questions (and why), start a mock interview with them, and draft questions for the gaps with an LLM."""

from __future__ import annotations

import streamlit as st

from ..coaching import drafting, limits, tailor
from ..errors import UserError
from . import auth, mock, progress, state
from .escape import md_escape

RESULT, DRAFTS, PROBLEMS = "tailor_result", "tailor_drafts", "tailor_problems"
MAIN_SKILL = 0.7  # a skill weighted this much (0-1) is one the job asks for, not just mentions
MOCK_PAGE, SETTINGS_PAGE = "interviewer/ui/pages/mock.py", "interviewer/ui/pages/settings.py"


def _read() -> str:
    upload = st.session_state.get("tailor_file")
    if upload is not None:
        return tailor.read_bytes(upload.getvalue(), upload.name)
    return tailor.clean_text(st.session_state.get("tailor_jd", ""))


def _find() -> None:
    try:
        text = _read()
    except UserError as exc:
        st.session_state.pop(RESULT, None)
        st.error(md_escape(str(exc).capitalize()))
        return
    st.session_state[RESULT] = tailor.rank(text, state.bank())
    st.session_state.pop(DRAFTS, None)


def _skills(result: tailor.TailorResult) -> None:
    st.subheader("Skills the job asks for")
    for s in result.skills:
        how = "nice to have" if s.nice_to_have else "asked for" if s.weight >= MAIN_SKILL else "mentioned"
        phrases = ", ".join(f"“{md_escape(p)}”" for p in s.phrases[:4])
        st.caption(f"**{md_escape(s.name)}** ({how}): {phrases}")


def _matches(result: tailor.TailorResult) -> list[str]:
    st.subheader("Best matching questions")
    top = result.top(st.session_state.get("tailor_top", 5))
    for i, m in enumerate(top, 1):
        title, button = st.columns([5, 1], vertical_alignment="center")
        title.markdown(f"**{i}. {md_escape(m.title)}** · {md_escape(m.topic)}")
        # One question at a time, on the page that asks it, as well as all of them as a mock interview.
        button.button(
            "Practise", key=f"tailor_practise_{m.question_id}", on_click=progress.practise, args=(m.question_id,)
        )
        st.caption(f"{m.strength.capitalize()}: {md_escape(m.why)}")
    return [m.question_id for m in top]


def _drafts(result: tailor.TailorResult) -> None:
    settings = state.settings()
    if not settings.llm_configured:
        st.info("Drafting new questions for these gaps needs an LLM. Set one up on the Settings page.")
        st.page_link(SETTINGS_PAGE, label="Open Settings", icon="⚙️")
        return
    if st.button("Draft questions for the gaps", key="tailor_draft"):
        with st.spinner("Drafting questions..."):
            try:
                state.take_budget(limits.DRAFTING)  # a shared deployment's per-profile budget
                drafts, problems = drafting.draft_questions(result.gaps, settings, packs=settings.packs_path())
            except UserError as exc:
                st.error(f"No drafts: {md_escape(str(exc))}")
                return
        st.session_state[DRAFTS], st.session_state[PROBLEMS] = drafts, problems
    drafts: list[drafting.Draft] = st.session_state.get(DRAFTS, [])
    if not drafts:
        return
    st.subheader("Drafts to review")
    if st.session_state.get(PROBLEMS):
        st.warning(f"{len(st.session_state[PROBLEMS])} draft problem(s) left some drafts out.")
        with st.expander("Problems"):
            st.code("\n".join(st.session_state[PROBLEMS]), language=None)
    shared = auth.enabled()  # the packs folder is the deployment's, shared by every account
    for d in drafts:
        with st.container(border=True):
            st.markdown(f"**{md_escape(d.question.title)}** · {md_escape(d.skill)}")
            st.markdown(md_escape(d.question.prompt))
            st.caption("Model answer: " + md_escape(d.question.model_answer))
            for c in d.rubric.criteria:
                points = "; ".join(p.text for p in c.must_have)
                st.caption(f"Criterion **{md_escape(c.name)}**: {md_escape(points)}")
            if not shared:
                st.checkbox("Accept", key=f"tailor_accept_{d.question.id}")
    if shared:
        st.caption("On a shared deployment drafts can be reviewed here, but only the operator adds packs.")
        return
    accepted = [d for d in drafts if st.session_state.get(f"tailor_accept_{d.question.id}")]
    if st.button("Save accepted to my pack", key="tailor_save", disabled=not accepted):
        try:
            path = drafting.save_drafts(accepted, settings.packs_path())
        except UserError as exc:
            st.error(str(exc))
            return
        st.session_state[DRAFTS] = [d for d in drafts if d not in accepted]
        st.success(f"Saved {len(accepted)} question(s) to {path.name}; they are in the bank now.")


def render() -> None:
    progress.follow_goto()  # a Practise button was pressed: open that question
    st.title("Tailor to a job")
    st.text_area("Paste a job description", key="tailor_jd", height=200)
    st.file_uploader("...or upload one", type=["txt", "md", "pdf"], key="tailor_file")
    st.slider("Questions to pick", 1, 10, 5, key="tailor_top")
    if st.button("Find matching questions", key="tailor_find", type="primary"):
        _find()
    result: tailor.TailorResult | None = st.session_state.get(RESULT)
    if result is None:
        return
    if result.message:
        st.info(md_escape(result.message))
    if result.skills:
        _skills(result)
    if result.matches:
        ids = _matches(result)
        if st.button("Start mock interview with these", key="tailor_start"):
            mock.start(ids)
            st.switch_page(MOCK_PAGE)
    if result.gaps:
        st.subheader("Gaps: skills the bank covers poorly")
        st.markdown(
            "\n".join(
                f"- {md_escape(g.name)} ("
                + ("covered only in part by the questions" if g.best_coverage else "no question covers it yet")
                + ")"
                for g in result.gaps
            )
        )
        _drafts(result)
