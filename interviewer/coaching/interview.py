"""Interview sessions: practice, mock interview and the end-to-end walkthrough. No Streamlit here.

A session is a list of question runs; each run holds the answer, its timing, the
criterion levels before and after follow-ups, and the follow-ups asked. The
state is saved as JSON after every step, so an interview can be resumed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from pydantic import BaseModel

from ..content.bank import Bank, BankError
from ..graders import Grader, grader_class
from ..graders.base import FOLLOW_UP
from ..graders.followups import COVERED_LEVEL, Gap, asking_order, gaps, probe_for, stretch_probe, strongest
from ..history.store import ProfileStore, SessionRow
from ..models import Attempt, Criterion, CriterionGrade, Evidence, Grade, Question, Rubric, compute_score
from ..text import content_words, matches_all, normalise
from .answers import AnswerError, Submission, find_question, submit

MODES = ("practice", "mock", "walkthrough")
# A walkthrough asks about the few most important areas left open, not every one: seven follow-ups in a row
# after a thin answer felt like an interrogation. The rest are listed in the report (`not_asked`).
MAX_FOLLOW_UPS = {"scenario": 2, "checklist": 3}
# How long a practice answer is shown again when its question is reopened in a new browser session.
# Long enough to cover a refresh, a lost connection or a break in the same sitting; short enough that
# coming back another day (a spaced-repetition review) starts from a blank answer, not from the old one.
RECENT_PRACTICE_S = 3 * 3600


class FollowUp(BaseModel):
    criterion: str
    question: str
    attempt_id: int | None = None
    level: int | None = None
    skipped: bool = False
    stretch: bool = False  # a harder why / what-if probe on a strong area, not a gap

    @property
    def open(self) -> bool:
        return self.level is None and not self.skipped


class QuestionRun(BaseModel):
    """One question of a session: its answer, timing, levels before and after follow-ups."""

    question_id: str
    kind: str = "scenario"
    attempt_id: int | None = None
    started_at: float | None = None
    time_taken_s: float | None = None
    overran: bool = False
    initial_levels: dict[str, int] = {}
    levels: dict[str, int] = {}
    quotes: dict[str, str] = {}
    gaps: dict[str, Gap] = {}  # empty in runs saved before it existed
    follow_ups: list[FollowUp] = []
    error: str | None = None
    done: bool = False

    @property
    def answered(self) -> bool:
        return self.attempt_id is not None

    @property
    def pending_follow_up(self) -> FollowUp | None:
        return next((f for f in self.follow_ups if f.open), None)


class Session(BaseModel):
    """The whole state of an interview; saved as JSON after every step, so it can be resumed."""

    id: int
    mode: str
    coached: bool = True
    runs: list[QuestionRun]
    index: int = 0

    @property
    def current(self) -> QuestionRun | None:
        return self.runs[self.index] if self.index < len(self.runs) else None

    @property
    def finished(self) -> bool:
        return self.current is None


def weighted_score(rubric: Rubric, levels: dict[str, int]) -> int:
    return compute_score([CriterionGrade(id=c.id, level=levels.get(c.id, 0), weight=c.weight) for c in rubric.criteria])


def coverage(run: QuestionRun, rubric: Rubric) -> list[tuple[str, str, str, str | None]]:
    """Checklist panel rows: (criterion id, name, open | covered | partial | missed, covering quote). Every area
    is `open` until an answer has been graded: nothing can be missed before anything is said."""
    covered = COVERED_LEVEL["checklist"]
    rows = []
    for c in rubric.criteria:
        level = run.levels.get(c.id, 0)
        if not run.initial_levels:
            status = "open"
        else:
            status = "covered" if level >= covered else "partial" if level > 0 else "missed"
        rows.append((c.id, c.name, status, run.quotes.get(c.id)))
    return rows


def not_asked(run: QuestionRun, rubric: Rubric) -> list[str]:
    """Names of the areas still below the bar that no follow-up asked about (the cap kept them for the report)."""
    asked = {f.criterion for f in run.follow_ups}
    bar = COVERED_LEVEL[run.kind]
    return [c.name for c in rubric.criteria if run.levels.get(c.id, 0) < bar and c.id not in asked]


def shortfalls(run: QuestionRun, rubric: Rubric) -> list[CriterionGrade]:
    """The criteria a run left below the bar, each with its best quote and what the answers still lack."""
    rows = []
    for c in rubric.criteria:
        level = run.levels.get(c.id, 0)
        if level >= COVERED_LEVEL[run.kind]:
            continue
        gap = run.gaps.get(c.id, Gap())
        quote = run.quotes.get(c.id)
        rows.append(
            CriterionGrade(
                id=c.id,
                name=c.name,
                level=level,
                weight=c.weight,
                evidence=[Evidence(quote=quote, verified=True)] if quote else [],
                missed=gap.missed,
                missed_optional=gap.optional,
                red_flags=gap.flags,
            )
        )
    return rows


def plan(
    bank: Bank,
    *,
    topics: list[str] | None = None,
    difficulties: list[str] | None = None,
    count: int = 5,
    kind: str = "scenario",
    seed: int | None = None,
) -> list[str]:
    """Question ids for a session: filtered, shuffled (seeded), spread over topics round-robin."""
    rng = random.Random(seed)
    pool = [
        q
        for q in bank.questions.values()
        if q.kind == kind and (not topics or q.topic in topics) and (not difficulties or q.difficulty in difficulties)
    ]
    by_topic: dict[str, list[str]] = {}
    for q in sorted(pool, key=lambda q: q.id):
        by_topic.setdefault(q.topic, []).append(q.id)
    for ids in by_topic.values():
        rng.shuffle(ids)
    order = sorted(by_topic)
    rng.shuffle(order)
    picked: list[str] = []
    while len(picked) < count and any(by_topic.values()):
        for topic in order:
            if by_topic[topic] and len(picked) < count:
                picked.append(by_topic[topic].pop())
    return picked


def start(
    store: ProfileStore,
    bank: Bank,
    mode: str,
    question_ids: list[str],
    *,
    coached: bool = True,
) -> Session:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if not question_ids:
        raise BankError("no questions match these settings")
    runs = [QuestionRun(question_id=q, kind=bank.questions[q].kind) for q in question_ids]
    session = Session(id=store.start_session(mode), mode=mode, coached=coached, runs=runs)
    save(store, session)
    return session


def save(store: ProfileStore, session: Session) -> None:
    store.save_session_state(session.id, session.model_dump_json(), finished=session.finished)


def resume(store: ProfileStore, session_id: int) -> Session | None:
    row = store.session(session_id)
    return Session.model_validate_json(row.state_json) if row and row.state_json else None


def unfinished(store: ProfileStore, mode: str) -> list[tuple[SessionRow, Session]]:
    """The profile's open sessions of this mode, newest first, with their state, to resume."""
    return [(row, Session.model_validate_json(row.state_json)) for row in store.open_sessions(mode) if row.state_json]


def recent_practice(
    store: ProfileStore, question_id: str, *, now: float, within_s: float = RECENT_PRACTICE_S
) -> tuple[Session, Attempt] | None:
    """The practice session of the latest answer to this question, if it was given in the last `within_s`
    seconds, with that answer. The session may still have a follow-up open."""
    since = datetime.fromtimestamp(now - within_s, UTC).isoformat(timespec="milliseconds")
    latest = store.attempts(limit=1, question_id=question_id, mode="practice", since=since)
    if not latest or latest[0].session_id is None:
        return None
    session = resume(store, latest[0].session_id)
    # The state is saved after grading: a process killed meanwhile leaves a session that never saw the answer.
    if session is None or session.runs[0].attempt_id != latest[0].id:
        return None
    return session, latest[0]


def begin_question(session: Session, now: float) -> None:
    """Start the clock on the current question (once: a resumed question keeps its start)."""
    run = session.current
    if run and run.started_at is None:
        run.started_at = now


def _apply(run: QuestionRun, grade: Grade) -> None:
    for c in grade.criteria:
        if c.level >= run.levels.get(c.id, 0):
            run.levels[c.id] = c.level
            verified = next((e.quote for e in c.evidence if e.verified and e.relevant), None)
            if verified:
                run.quotes[c.id] = verified
        gap = run.gaps.get(c.id)
        run.gaps[c.id] = gap.merge(c) if gap else Gap.of(c)


def _aims_at(text: str, criterion: Criterion) -> bool:
    norm = normalise(text)
    if any(matches_all(norm, point.keywords) for point in criterion.key_points):
        return True
    vocab = set().union(*(content_words(p.text) for p in criterion.key_points), content_words(criterion.description))
    return len(content_words(text) & vocab) >= 2


def _next_follow_up(run: QuestionRun, question: Question, rubric: Rubric, grade: Grade | None) -> None:
    asked = {f.criterion for f in run.follow_ups}
    if len(run.follow_ups) >= MAX_FOLLOW_UPS[question.kind]:
        run.done = True
        return
    open_ = asking_order(gaps(rubric, run.levels, COVERED_LEVEL[question.kind], skip=asked), run.gaps)
    if not open_:
        _stretch(run, rubric)
        return
    target = open_[0]
    text = probe_for(question, rubric, target, run.levels.get(target, 0), run.gaps.get(target), run.quotes.get(target))
    # A grader that writes follow-ups (the LLM grader) phrases its own probe; use it for the first follow-up
    # only when it is about the gap we chose, so the follow-up is graded against the criterion it asks about.
    writer = grader_class(grade.grader) if grade else None
    llm_probe = grade.follow_up if writer and writer.writes_follow_up and not run.follow_ups else None
    if llm_probe and _aims_at(llm_probe, rubric.criterion(target)):
        text = llm_probe
    run.follow_ups.append(FollowUp(criterion=target, question=text))


def _stretch(run: QuestionRun, rubric: Rubric) -> None:
    """No gap left: a strong answer still gets one harder probe (why, what if, the trade-off) on its strongest
    area, as a real interviewer would push, unless follow-ups were already asked. At most one per question."""
    target = strongest(rubric, run.levels)
    if run.follow_ups or target is None or run.kind != "scenario":
        run.done = True
        return
    run.follow_ups.append(
        FollowUp(criterion=target, question=stretch_probe(rubric, target, run.quotes.get(target)), stretch=True)
    )


def answer(
    store: ProfileStore,
    grader: Grader,
    bank: Bank,
    session: Session,
    text: str,
    *,
    now: float,
    source: str = "typed",
    delivery: dict | None = None,
) -> Submission:
    """Answer the current question, or its pending follow-up. Saves the answer first, then the new state.

    `delivery` holds the delivery metrics of a spoken answer; they are saved with the attempt."""
    run = session.current
    if run is None:
        raise AnswerError("This interview is finished.")
    question, rubric = find_question(bank, run.question_id)
    pending = run.pending_follow_up
    if pending is None:
        elapsed = now - run.started_at if run.started_at else None
        overran = elapsed is not None and elapsed > question.suggested_minutes * 60
        result = submit(
            store,
            grader,
            question,
            rubric,
            text,
            session_id=session.id,
            source=source,
            time_taken_s=elapsed,
            overran=overran,
            delivery=delivery,
        )
        run.attempt_id, run.time_taken_s, run.overran = result.attempt_id, elapsed, overran
        if result.grade:
            _apply(run, result.grade)
            run.initial_levels = dict(run.levels)
    else:
        # A follow-up is graded only against the criterion it probes, with the probe as the question.
        sub_question = question.model_copy(update={"prompt": f"{question.prompt}{FOLLOW_UP}{pending.question}"})
        sub_rubric = rubric.model_copy(update={"criteria": [rubric.criterion(pending.criterion)]})
        result = submit(
            store,
            grader,
            sub_question,
            sub_rubric,
            text,
            session_id=session.id,
            source=source,
            parent_id=run.attempt_id,
            criterion_id=pending.criterion,
            delivery=delivery,
        )
        pending.attempt_id = result.attempt_id
        if result.grade:
            pending.level = result.grade.criteria[0].level
            _apply(run, result.grade)
    run.error = result.error
    # A follow-up whose grading failed stays open: its answer is saved, and the candidate can answer
    # it again or skip it.
    if result.grade:
        _next_follow_up(run, question, rubric, result.grade)
    save(store, session)
    return result


def skip_follow_up(store: ProfileStore, bank: Bank, session: Session) -> None:
    run = session.current
    pending = run.pending_follow_up if run else None
    if pending is None:
        return
    pending.skipped = True
    question, rubric = find_question(bank, run.question_id)
    _next_follow_up(run, question, rubric, None)
    save(store, session)


def next_question(store: ProfileStore, session: Session) -> None:
    if session.current is not None:
        session.current.done = True
        for f in session.current.follow_ups:
            if f.open:
                f.skipped = True
        session.index += 1
    save(store, session)


class QuestionResult(BaseModel):
    question_id: str
    title: str
    topic: str
    answered: bool
    score_before: int | None
    score_after: int | None
    follow_ups_answered: int
    time_taken_s: float | None
    overran: bool


class Report(BaseModel):
    questions: list[QuestionResult]
    average: int | None
    strongest: list[tuple[str, float]]  # criterion name, mean level
    weakest: list[tuple[str, float]]
    practice_next: list[str]  # question ids not in this session, from the weakest topics


def report(session: Session, bank: Bank, top: int = 3) -> Report:
    results, by_criterion, topic_scores = [], {}, {}
    for run in session.runs:
        question, rubric = find_question(bank, run.question_id)
        graded = bool(run.initial_levels)
        before = weighted_score(rubric, run.initial_levels) if graded else None
        after = weighted_score(rubric, run.levels) if graded else None
        results.append(
            QuestionResult(
                question_id=question.id,
                title=question.title,
                topic=question.topic,
                answered=run.answered,
                score_before=before,
                score_after=after,
                time_taken_s=run.time_taken_s,
                overran=run.overran,
                follow_ups_answered=sum(f.level is not None for f in run.follow_ups),
            )
        )
        if graded:
            topic_scores.setdefault(question.topic, []).append(after)
            for c in rubric.criteria:
                by_criterion.setdefault(c.name, []).append(run.levels.get(c.id, 0))
    means = sorted(((name, sum(v) / len(v)) for name, v in by_criterion.items()), key=lambda x: (-x[1], x[0]))
    scored = [r.score_after for r in results if r.score_after is not None]
    weak_topics = sorted(topic_scores, key=lambda t: sum(topic_scores[t]) / len(topic_scores[t]))
    asked = {r.question_id for r in session.runs}
    practice = [
        q.id
        for t in weak_topics
        for q in sorted(bank.questions.values(), key=lambda q: q.id)
        if q.topic == t and q.id not in asked
    ][:top]
    return Report(
        questions=results,
        average=round(sum(scored) / len(scored)) if scored else None,
        strongest=[(n, round(m, 2)) for n, m in means[:top] if m >= 2],
        weakest=[(n, round(m, 2)) for n, m in reversed(means[-top:]) if m < 3],
        practice_next=practice,
    )
