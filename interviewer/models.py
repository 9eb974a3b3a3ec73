"""Pydantic models at every boundary: bank content, grades and provenance."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

Slug = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
Difficulty = Literal["easy", "medium", "hard"]
LEVELS = (0, 1, 2, 3, 4)
LEVEL_LABELS = {0: "missing", 1: "weak", 2: "partial", 3: "good", 4: "excellent"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _no_blank(values: list[str]) -> list[str]:
    if any(not v for v in values):
        raise ValueError("must not contain empty strings")
    return values


def _keyword_group(group: list[str]) -> list[str]:
    if not group:
        raise ValueError("keyword group is empty")
    return _no_blank(group)


KeywordGroup = Annotated[list[str], AfterValidator(_keyword_group)]


class KeyPoint(Strict):
    """One thing a good answer says, and the words people use to say it.

    `keywords` is a list of groups: every group must match (AND), and any term
    within a group matches it (OR: synonyms, abbreviations, spellings). A term
    ending in `*` matches any word starting with it.
    """

    text: str = Field(min_length=1)
    keywords: list[KeywordGroup] = Field(min_length=1)
    # What shows the why or how of this point (a mechanism, a number, a trade-off, a concrete step), in the
    # sentence that makes the point or the next one. Terms as in a keyword group. Only named: level 2 at most.
    why: list[str] = []

    @field_validator("why")
    @classmethod
    def _why_not_blank(cls, why: list[str]) -> list[str]:
        return _no_blank(why)


class Misconception(Strict):
    """A wrong claim candidates really make. Said in any wording, it caps its criterion (and, when `core`,
    the whole answer), and the feedback shows the sentence and why it is wrong."""

    claim: str = Field(min_length=1)  # the wrong claim, as a plain statement
    why: str = Field(min_length=1)  # why it is wrong, in a sentence the candidate can learn from
    # How candidates say it: whole sentences in their words, denials and swapped roles included.
    says: list[str] = Field(min_length=2)
    # Keyword groups that all match in one sentence of the answer: the exact check every offline grader runs.
    keywords: list[KeywordGroup] = Field(min_length=1)
    core: bool = True  # an error at the heart of the answer, which fails it in an interview

    @field_validator("says")
    @classmethod
    def _says_not_blank(cls, says: list[str]) -> list[str]:
        return _no_blank(says)


class Criterion(Strict):
    id: str = Slug
    name: str = Field(min_length=1)
    weight: float = Field(gt=0, le=100)
    description: str = Field(min_length=1)
    must_have: list[KeyPoint] = Field(min_length=1)
    nice_to_have: list[KeyPoint] = []
    red_flags: list[KeyPoint] = []
    misconceptions: list[Misconception] = []
    anchors: dict[Literal[0, 1, 2, 3, 4], str]

    @field_validator("anchors")
    @classmethod
    def _all_levels(cls, anchors: dict[int, str]) -> dict[int, str]:
        missing = [lvl for lvl in LEVELS if lvl not in anchors]
        if missing:
            raise ValueError(f"anchors for levels {missing} are missing (need 0-4)")
        return anchors

    @property
    def key_points(self) -> list[KeyPoint]:
        return [*self.must_have, *self.nice_to_have]


class Rubric(Strict):
    id: str = Slug
    version: int = Field(ge=1)
    title: str = ""
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_criteria(self) -> Rubric:
        seen: set[str] = set()
        for c in self.criteria:
            if c.id in seen:
                raise ValueError(f"duplicate criterion id {c.id!r}")
            seen.add(c.id)
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


class Probe(Strict):
    """A follow-up question aimed at one criterion, asked when it is weak."""

    criterion: str = Slug
    question: str = Field(min_length=1)


class PackInfo(Strict):
    """The optional `pack:` header of a question pack: a user's or instructor's own questions."""

    name: str = Slug
    title: str | None = None
    version: int = Field(default=1, ge=1)
    author: str | None = None
    description: str | None = None


class Question(Strict):
    id: str = Slug
    title: str = Field(min_length=1)
    prompt: str = Field(min_length=1)
    topic: str = Slug
    difficulty: Difficulty
    kind: Literal["scenario", "checklist"] = "scenario"
    rubric: str = Slug
    tags: list[str] = []
    suggested_minutes: float = Field(default=3, gt=0, le=30)
    model_answer: str = Field(min_length=1)
    follow_ups: list[Probe] = []

    @field_validator("tags")
    @classmethod
    def _tags_not_blank(cls, tags: list[str]) -> list[str]:
        return _no_blank(tags)


class Evidence(Strict):
    quote: str
    verified: bool = False
    relevant: bool = True


class WrongClaim(Strict):
    """A misconception the answer stated: the claim, why it is wrong, and the sentence that said it."""

    claim: str
    why: str
    quote: str


class CriterionGrade(Strict):
    id: str
    name: str = ""
    level: int = Field(ge=0, le=4)
    weight: float = Field(gt=0)
    evidence: list[Evidence] = []
    missed: list[str] = []
    missed_optional: list[str] = []
    red_flags: list[str] = []
    red_flag_quotes: list[str] = []  # the answer's sentence that said each flag, in order (offline graders)
    wrong_claims: list[WrongClaim] = []
    notes: list[str] = []

    def flags_said(self) -> list[tuple[str, str | None]]:
        """Each red flag with the sentence that said it, when the grader recorded one."""
        quotes = self.red_flag_quotes if len(self.red_flag_quotes) == len(self.red_flags) else []
        return [(flag, quotes[i] if quotes else None) for i, flag in enumerate(self.red_flags)]


class Provenance(Strict):
    """Where a grade came from. Holds a server host, never a key."""

    host: str | None = None
    prompt_version: str | None = None
    raw_output: str | None = None
    latency_ms: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


def compute_score(criteria: list[CriterionGrade]) -> int:
    """The one place an overall 0-100 score is made: weighted mean of levels."""
    total = sum(c.weight for c in criteria)
    if not total:
        return 0
    return round(100 * sum(c.weight * c.level / 4 for c in criteria) / total)


class Grade(Strict):
    question_id: str
    rubric_id: str
    rubric_version: int
    grader: str
    model: str | None = None
    fallback_reason: str | None = None
    criteria: list[CriterionGrade]
    summary: str = ""
    follow_up: str | None = None
    provenance: Provenance = Provenance()

    @model_validator(mode="before")
    @classmethod
    def _drop_stored_score(cls, data: Any) -> Any:
        # The score is always recomputed from levels, so a stored or
        # model-supplied score can never override it.
        if isinstance(data, dict) and "score" in data:
            data = {k: v for k, v in data.items() if k != "score"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> int:
        return compute_score(self.criteria)


class Attempt(Strict):
    """One saved answer and, once graded, its latest grade."""

    id: int
    profile: str
    session_id: int | None = None
    question_id: str
    topic: str | None = None
    rubric_id: str | None = None
    rubric_version: int | None = None
    answer: str
    source: str | None = None
    status: Literal["pending", "graded", "failed"]
    error: str | None = None
    created_at: str
    time_taken_s: float | None = None
    overran: bool | None = None
    parent_id: int | None = None
    criterion_id: str | None = None
    delivery: dict[str, Any] | None = None
    score: int | None = None
    grader: str | None = None
    grade: Grade | None = None


class QuizOption(Strict):
    text: str = Field(min_length=1)
    correct: bool = False
    why: str = Field(min_length=1)  # why it is right, or why it is wrong


class QuizQuestion(Strict):
    """A multiple-choice warm-up question: one correct option and 3-4 plausible distractors."""

    id: str = Slug
    topic: str = Slug
    difficulty: Difficulty
    question: str = Field(min_length=1)
    options: list[QuizOption] = Field(min_length=4, max_length=5)
    terms: list[str] = []  # glossary terms the explanation links to

    @model_validator(mode="after")
    def _one_correct_no_duplicates(self) -> QuizQuestion:
        correct = sum(o.correct for o in self.options)
        if correct != 1:
            raise ValueError(f"exactly one option must be correct (found {correct})")
        texts = [o.text.casefold() for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("options must not repeat")
        return self


class GlossaryTerm(Strict):
    term: str = Field(min_length=1)
    aliases: list[str] = []
    definition: str = Field(min_length=1)
    interview: str = Field(min_length=1)  # when it matters in an interview
    related: list[str] = []
    topic: str | None = None
