"""Your answer, marked up (issue 20): the sentences that earned each criterion highlighted, a wrong claim struck
through, the job's terms (from Tailor) underlined; beside it, the model answer with the points you missed marked.

Every piece of answer, model, rubric or job text goes through html.escape before it is put between tags we
write ourselves, so no user text ever becomes markup. The HTML is built from spans of the raw text (never by
searching escaped text), so an escape such as "&amp;" can never be cut in two.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import streamlit as st

from ..content.bank import BankError
from ..models import Criterion, Grade, Question, Rubric
from ..text import content_words, matches_all, normalise
from . import state
from .escape import md_escape

# The boundary the graders use (text.sentences), kept with positions so the answer can be rebuilt exactly.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
# Light, distinct backgrounds that keep dark text readable; a criterion keeps its colour in the legend.
PALETTE = ("#fde68a", "#bbf7d0", "#bfdbfe", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#d9f99d")
WRONG = "#fecaca"
MISSED = "#fed7aa"
MIN_OVERLAP = 0.6  # share of a quote's content words a sentence must hold to be the sentence it came from


@dataclass
class Span:
    """One sentence of a text, where it sits, and what it is marked with."""

    start: int
    end: int
    text: str
    earned: list[int] = field(default_factory=list)  # indexes of the criteria it earned
    wrong: list[str] = field(default_factory=list)  # why a claim in it is wrong
    missed: list[str] = field(default_factory=list)  # key points the candidate missed that it makes


def spans(text: str) -> list[Span]:
    out, pos = [], 0
    for sep in [*_SENTENCE_END.finditer(text), None]:
        end = sep.start() if sep else len(text)
        if text[pos:end].strip():
            out.append(Span(pos, end, text[pos:end]))
        pos = sep.end() if sep else end
    return out


def find_sentence(quote: str, sentences: list[Span]) -> list[Span]:
    """The sentences a quote came from: those containing it (or contained in it, for a quote over several
    sentences), else the one holding most of its words. Graders quote loosely, so the match is on normalised
    text."""
    q = normalise(quote)
    if not q:
        return []
    exact = [s for s in sentences if q in normalise(s.text) or (len(normalise(s.text)) > 20 and normalise(s.text) in q)]
    if exact:
        return exact
    words = content_words(quote)
    if not words:
        return []
    best = max(sentences, key=lambda s: len(words & content_words(s.text)), default=None)
    if best and len(words & content_words(best.text)) >= MIN_OVERLAP * len(words):
        return [best]
    return []


def mark_answer(answer: str, grade: Grade) -> list[Span]:
    sentences = spans(answer)
    for i, c in enumerate(grade.criteria):
        for e in c.evidence:
            if e.verified and e.relevant:
                for s in find_sentence(e.quote, sentences):
                    if i not in s.earned:
                        s.earned.append(i)
        claims = [(w.quote, f"{w.claim}: {w.why}") for w in getattr(c, "wrong_claims", []) or []]
        claims += [(said, flag) for flag, said in c.flags_said() if said]
        for quote, why in claims:
            for s in find_sentence(quote, sentences):
                s.wrong.append(why)
    return sentences


def _point_in(criterion: Criterion | None, text: str):
    if criterion is None:
        return None
    return next((p for p in criterion.key_points if p.text == text), None)


def mark_model(model_answer: str, grade: Grade, rubric: Rubric | None) -> tuple[list[Span], list[str]]:
    """Model answer sentences with the candidate's missed points marked where the model answer makes them
    (every keyword group of the point, else most of its words), and the missed points it never states."""
    sentences = spans(model_answer)
    unplaced = []
    criteria = {c.id: c for c in rubric.criteria} if rubric else {}
    for c in grade.criteria:
        for text in [*c.missed, *c.missed_optional]:
            point = _point_in(criteria.get(c.id), text)
            hits = [s for s in sentences if point and matches_all(normalise(s.text), point.keywords)]
            if not hits:
                words = content_words(text)
                scored = [(len(words & content_words(s.text)), s) for s in sentences]
                top = max((n for n, _ in scored), default=0)
                hits = [s for n, s in scored if words and n == top and n >= MIN_OVERLAP * len(words)][:1]
            for s in hits:
                s.missed.append(text)
            if not hits:
                unplaced.append(text)
    return sentences, unplaced


def _terms_pattern(terms: list[str]) -> re.Pattern[str] | None:
    terms = sorted({t.strip() for t in terms if len(t.strip()) > 1}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)


def _inline(text: str, terms: re.Pattern[str] | None) -> str:
    """Escaped text, with the job's terms underlined: split on the raw text, escape each piece."""
    if terms is None:
        return html.escape(text)
    out, pos = [], 0
    for m in terms.finditer(text):
        out += [html.escape(text[pos : m.start()]), f"<u>{html.escape(m.group(0))}</u>"]
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _sentence_html(s: Span, names: list[str], terms: re.Pattern[str] | None) -> str:
    body = _inline(s.text, terms)
    if s.wrong:
        tip = html.escape(" · ".join(s.wrong), quote=True)
        return (
            f'<span style="background:{WRONG};text-decoration:line-through wavy #b91c1c" title="{tip}">✗ {body}</span>'
        )
    if s.missed:
        tip = html.escape("You missed: " + " · ".join(s.missed), quote=True)
        return f'<span style="background:{MISSED};border-bottom:2px dashed #c2410c" title="{tip}">{body}</span>'
    if s.earned:
        colour = PALETTE[s.earned[0] % len(PALETTE)]
        tip = html.escape("Earned: " + ", ".join(names[i] for i in s.earned), quote=True)
        tags = "".join(f"<sup>{i + 1}</sup>" for i in s.earned)
        return f'<mark style="background:{colour}" title="{tip}">{body}{tags}</mark>'
    return body


def to_html(text: str, sentences: list[Span], names: list[str], terms: list[str] | None = None) -> str:
    """The whole text, gaps between sentences kept (line breaks as <br>), each sentence marked."""
    pattern = _terms_pattern(terms or [])
    out, pos = [], 0
    for s in sentences:
        out.append(html.escape(text[pos : s.start]).replace("\n", "<br>"))
        out.append(_sentence_html(s, names, pattern))
        pos = s.end
    out.append(html.escape(text[pos:]).replace("\n", "<br>"))
    return '<div style="line-height:1.7">' + "".join(out) + "</div>"


def legend(grade: Grade, terms: bool) -> str:
    items = [
        f'<span style="background:{PALETTE[i % len(PALETTE)]};padding:0 .3em">{i + 1}</span> '
        f"{html.escape(c.name or c.id)} ({c.level}/4)"
        for i, c in enumerate(grade.criteria)
    ]
    items.append(f'<span style="background:{WRONG};padding:0 .3em">✗</span> a wrong claim (hover for why)')
    if terms:
        items.append("<u>underlined</u>: the job's terms, from Tailor")
    return '<div style="font-size:.85em;margin-bottom:.5em">' + " · ".join(items) + "</div>"


def job_terms() -> list[str]:
    """The job's own words from the Tailor page's last result in this session, if there is one."""
    result = st.session_state.get("tailor_result")
    return [p for s in getattr(result, "skills", []) or [] for p in s.phrases]


def _question(grade: Grade, question: Question | None) -> tuple[Question | None, Rubric | None]:
    """The graded question and its rubric, from the bank when the caller did not pass the question (a pack
    removed since leaves the answer side alone)."""
    bank = state.bank()
    question = question or bank.questions.get(grade.question_id)
    if question is None:
        return None, None
    try:
        return question, bank.rubric_for(question)
    except (KeyError, BankError):
        return question, None


def render(answer: str, grade: Grade, question: Question | None = None) -> None:
    question, rubric = _question(grade, question)
    terms = job_terms()
    names = [c.name or c.id for c in grade.criteria]
    mine = to_html(answer, mark_answer(answer, grade), names, terms)
    left, right = st.columns(2)  # side by side; Streamlit stacks columns on narrow screens
    with left:
        st.markdown("**Your answer**")
        st.html(legend(grade, bool(terms)) + mine)
    if question is None:
        return
    model, unplaced = mark_model(question.model_answer, grade, rubric)
    with right:
        st.markdown("**Model answer**")
        note = f'<span style="background:{MISSED};border-bottom:2px dashed #c2410c">marked</span>: points you missed'
        st.html(
            f'<div style="font-size:.85em;margin-bottom:.5em">{note}</div>' + to_html(question.model_answer, model, [])
        )
        for text in unplaced:
            st.caption(f"Also missed: {md_escape(text)}")
