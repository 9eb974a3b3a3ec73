"""Tailor an interview to a job description: read it, find the deployment skills it asks for, and rank
the bank's questions by how well they cover those skills. No Streamlit here.

A skill's weight in the JD is its lines of mention relative to the most-mentioned skill (square root,
so the fourth mention adds less than the first); a mention under a "nice to have" heading counts half.
A question's coverage of a skill mixes four signals (its topic, tags, title/prompt, rubric key points)
as a noisy-OR. A question's score is the sum over skills of weight x coverage, plus a little for JD
words that are also the question's tags (the domain: fraud, recommender, ...), plus, optionally, the
embedding similarity of JD and question; a question mostly about a skill the JD does not ask for loses
up to a third of its score. The constants are global; nothing is tuned per job description.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from ..content.bank import Bank
from ..errors import UserError
from ..models import Question
from ..text import group_pattern, normalise
from . import pdftext

SKILLS_FILE = Path(__file__).parents[1] / "data" / "skills.yaml"
MAX_BYTES = 2_000_000
MAX_CHARS = 60_000
MIN_CHARS = 40
EXTENSIONS = (".txt", ".md", ".pdf")
NICE_FACTOR = 0.5  # a mention under "nice to have" / "bonus" counts this much
# Noisy-OR strengths of the four coverage signals.
SIGNALS = {"topic": 0.45, "tag": 0.45, "text": 0.35, "rubric": 0.2}
DOMAIN_BONUS, DOMAIN_CAP = 0.1, 0.2
SEMANTIC_WEIGHT = 0.5
# A question mostly about a skill the JD does not ask for (edge devices, for a fraud job) loses up to this share.
OFF_TARGET = 0.35
GAP_COVERAGE = 0.6  # a skill is a gap when no question covers it at least this well
_NICE_HEADING = re.compile(r"\b(nice to have|nice-to-have|bonus|preferred|a plus|plus if|desirable|optional)\b", re.I)
_MUST_HEADING = re.compile(r"\b(requirements?|required|must have|must-have|you have|you will|qualifications)\b", re.I)


class TailorError(UserError, ValueError):
    """A job description that cannot be read or used; the message says why in plain words."""


class Skill(BaseModel):
    id: str
    name: str
    patterns: list[str] = Field(min_length=1)
    terms: list[str] = []
    topics: list[str] = []


class SkillFound(BaseModel):
    id: str
    name: str
    weight: float  # 0-1: how strongly the JD asks for it
    mentions: int
    phrases: list[str]  # the JD's own words that triggered it
    nice_to_have: bool = False  # every mention was under a "nice to have" heading


class Match(BaseModel):
    question_id: str
    title: str
    topic: str
    score: float
    skills: list[str]  # skill ids, strongest contribution first
    why: str  # in plain words: the skills it covers, with the job description's own words

    @property
    def strength(self) -> str:
        """'strong match', 'good match' or 'partial match': the score, in words a candidate reads."""
        return next(word for floor, word in STRENGTHS if self.score >= floor)


# Scores seen on real postings: about 2-2.5 for questions on the job's core skills, under 1 for one side skill.
STRENGTHS = ((1.5, "strong match"), (0.8, "good match"), (float("-inf"), "partial match"))


class Gap(BaseModel):
    id: str
    name: str
    weight: float
    best_coverage: float
    best_question: str | None = None


class TailorResult(BaseModel):
    skills: list[SkillFound]
    matches: list[Match]
    gaps: list[Gap]
    message: str | None = None  # set when the JD asks for (almost) nothing we know

    def top(self, n: int) -> list[Match]:
        return self.matches[:n]


@lru_cache(maxsize=1)
def load_skills(path: Path = SKILLS_FILE) -> tuple[Skill, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Skill.model_validate(s) for s in data["skills"])


# --- reading a job description -------------------------------------------------------------------------


def clean_text(text: str) -> str:
    text = text.replace("\x00", "").strip()
    if len(text) < MIN_CHARS:
        raise TailorError("the job description is empty or too short; paste the whole posting")
    if len(text) > MAX_CHARS:
        raise TailorError(f"the job description is longer than {MAX_CHARS:,} characters; paste only the posting")
    return text


def read_bytes(data: bytes, filename: str) -> str:
    """Text of an uploaded or saved .txt, .md or .pdf file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in EXTENSIONS:
        raise TailorError(f"{filename}: expected a .txt, .md or .pdf file")
    if len(data) > MAX_BYTES:
        raise TailorError(f"{filename} is larger than {MAX_BYTES // 1_000_000} MB")
    if suffix == ".pdf":
        return clean_text(_pdf_text(data, filename))
    try:
        return clean_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise TailorError(f"{filename} is not UTF-8 text") from None


def read_file(path: Path) -> str:
    try:
        if path.suffix.lower() in EXTENSIONS and path.stat().st_size > MAX_BYTES:
            raise TailorError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise TailorError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_bytes(data, path.name)


def _pdf_text(data: bytes, filename: str) -> str:
    """The PDF's text, read in a worker process within page, character and time limits (`pdftext`)."""
    extracted = pdftext.extract_with_time_limit(data, filename, max_chars=MAX_CHARS)
    if extracted.problem:
        raise TailorError(extracted.problem)
    if len(extracted.text.strip()) < MIN_CHARS:
        raise TailorError(f"{filename} has no text layer (a scanned PDF?); paste the job description as text")
    return extracted.text


# --- skills in the JD ----------------------------------------------------------------------------------


def _lines_with_factor(text: str) -> list[tuple[str, float]]:
    """Each line with the weight of its section: after a "nice to have" heading, mentions count half."""
    out, factor = [], 1.0
    for line in text.splitlines():
        short = len(line.strip()) < 60
        if short and _NICE_HEADING.search(line):
            factor = NICE_FACTOR
        elif short and _MUST_HEADING.search(line):
            factor = 1.0
        line_factor = NICE_FACTOR if _NICE_HEADING.search(line) else factor
        out.append((line, line_factor))
    return out


def find_skills(text: str, skills: tuple[Skill, ...] | None = None) -> list[SkillFound]:
    skills = skills or load_skills()
    lines = [(normalise(line), f) for line, f in _lines_with_factor(text)]
    found = []
    for skill in skills:
        pattern = group_pattern(tuple(skill.patterns))
        strength, mentions, phrases, nice_only = 0.0, 0, [], True
        for norm, factor in lines:
            hits = [m.group(0) for m in pattern.finditer(norm)]
            if hits:  # one mention per line: "Kafka streaming" is one ask, not two
                strength += factor
                mentions += 1
                nice_only &= factor < 1
                phrases += [h for h in dict.fromkeys(hits) if h not in phrases]
        if mentions:
            found.append(
                SkillFound(
                    id=skill.id,
                    name=skill.name,
                    weight=strength,  # made relative below
                    mentions=mentions,
                    phrases=phrases[:6],
                    nice_to_have=nice_only,
                )
            )
    # Relative emphasis: the skill the JD mentions most weighs 1; square root, so a skill mentioned a
    # quarter as often still weighs a half.
    top = max((s.weight for s in found), default=1.0)
    for s in found:
        s.weight = round((s.weight / top) ** 0.5, 3)
    return sorted(found, key=lambda s: (-s.weight, s.id))


# --- how well each question covers each skill ----------------------------------------------------------


def _question_texts(question: Question, bank: Bank) -> dict[str, str]:
    rubric = bank.rubrics.get(question.rubric)
    points = [f"{c.name}. {p.text}" for c in rubric.criteria for p in c.must_have] if rubric else []
    return {
        "tag": normalise(" , ".join(question.tags)),
        "text": normalise(f"{question.title}. {question.prompt}"),
        "rubric": normalise(" . ".join(points)),
    }


def coverage(question: Question, skill: Skill, texts: dict[str, str]) -> tuple[float, list[str]]:
    """0-1, and which signals fired (for the "why")."""
    pattern = group_pattern(tuple(skill.patterns + skill.terms))
    fired = ["topic"] if question.topic in skill.topics else []
    fired += [name for name in ("tag", "text", "rubric") if pattern.search(texts[name])]
    miss = 1.0
    for name in fired:
        miss *= 1 - SIGNALS[name]
    return 1 - miss, fired


def rank(text: str, bank: Bank, *, embedder=None, kind: str = "scenario") -> TailorResult:
    """Skills the JD asks for and every `kind` question of the bank (packs included), best first."""
    skills = {s.id: s for s in load_skills()}
    found = find_skills(text)
    found_by_id = {s.id: s for s in found}
    norm_jd = f" {normalise(text)} "
    questions = sorted((q for q in bank.questions.values() if q.kind == kind), key=lambda q: q.id)
    similarity = _similarities(text, questions, embedder) if embedder and found else {}
    best: dict[str, tuple[float, str | None]] = {s.id: (0.0, None) for s in found}
    matches = []
    for q in questions:
        texts = _question_texts(q, bank)
        parts, off_target = [], 0.0
        for skill in skills.values():
            cov, fired = coverage(q, skill, texts)
            s = found_by_id.get(skill.id)
            if s is None:
                off_target = max(off_target, cov)
                continue
            if cov > best[s.id][0]:
                best[s.id] = (cov, q.id)
            if cov:
                parts.append((s.weight * cov, s, fired))
        domain = [t for t in q.tags if len(t) > 3 and f" {normalise(t)} " in norm_jd]
        score = sum(p[0] for p in parts) + min(DOMAIN_CAP, DOMAIN_BONUS * len(domain))
        score += SEMANTIC_WEIGHT * similarity.get(q.id, 0.0)
        score *= 1 - OFF_TARGET * off_target
        if not parts:
            continue
        parts.sort(key=lambda p: -p[0])
        matches.append(
            Match(
                question_id=q.id,
                title=q.title,
                topic=q.topic,
                score=round(score, 3),
                skills=[s.id for _, s, _ in parts],
                why=_why(parts, domain, similarity.get(q.id)),
            )
        )
    matches.sort(key=lambda m: (-m.score, m.question_id))
    gaps = [
        Gap(id=s.id, name=s.name, weight=s.weight, best_coverage=round(best[s.id][0], 3), best_question=best[s.id][1])
        for s in found
        if best[s.id][0] < GAP_COVERAGE and not s.nice_to_have
    ]
    message = None
    if len(found) < 2:
        # Say "the ranking below" only when there is one below: with no match the page shows nothing else.
        ranking = "the ranking below is thin" if matches else "no question in the bank matches it"
        message = (
            "This job description asks for few or no model-deployment skills we know"
            + (f" (only {found[0].name})" if found else "")
            + f"; {ranking}. Paste a posting for an ML engineering or MLOps role."
        )
    return TailorResult(skills=found, matches=matches, gaps=gaps, message=message)


def _why(parts: list, domain: list[str], similarity: float | None) -> str:
    """'covers Drift detection (the job says "drift") and CI/CD for ML ("ci cd")': no scores, no signal names."""
    bits = [
        f"{s.name} (" + ("the job says " if i == 0 else "") + ", ".join(f'"{p}"' for p in s.phrases[:2]) + ")"
        for i, (_, s, _) in enumerate(parts[:3])
    ]
    text = "covers " + (", ".join(bits[:-1]) + " and " + bits[-1] if len(bits) > 1 else bits[0])
    if len(parts) > 3:
        text += f", and {len(parts) - 3} more skill(s)"
    said = {p.lower() for _, s, _ in parts[:3] for p in s.phrases[:2]}
    domain = [d for d in domain if d.lower() not in said]
    if domain:
        text += f"; also about {', '.join(domain)}"
    if similarity:
        text += "; worded much like the job description"
    return text


def _similarities(text: str, questions: list[Question], embedder) -> dict[str, float]:
    """Cosine of the JD and each question's title + prompt, above the bank's own median (0 below it)."""
    import numpy as np

    vectors = embedder.texts([text, *(f"{q.title}. {q.prompt}" for q in questions)])
    cosines = vectors[1:] @ vectors[0]
    floor = float(np.median(cosines))
    return {q.id: max(0.0, float(c) - floor) for q, c in zip(questions, cosines, strict=True)}
