"""The shipped question bank: valid, complete, and graded sensibly by the keyword grader."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.text import content_words

from .topics import RELATED

REQUIRED_TOPICS = [
    "serving-modes",
    "serving-frameworks",
    "containers",
    "orchestration-scaling",
    "release-strategies",
    "monitoring",
    "drift",
    "model-formats",
    "versioning",
    "cicd",
    "security",
    "environments",
    "incidents",
    "llm-serving",
]
CHECKLIST_AREAS = [
    "training-validation",
    "serving-strategy",
    "environments",
    "tooling",
    "monitoring-drift",
    "versioning-rollback",
    "incident-readiness",
]
GENERIC = "It depends. I would follow best practices, use the right tools and monitor things to make sure it works."

BANK = load_bank()
GRADER = get_grader("keyword")
QUESTIONS = sorted(BANK.questions.values(), key=lambda q: q.id)


def score(question, answer: str) -> int:
    return GRADER.grade(question, BANK.rubric_for(question), answer).score


def test_bank_is_valid():
    assert [str(p) for p in BANK.problems] == []


def test_bank_size_and_topics():
    counts = Counter(q.topic for q in QUESTIONS)
    assert len([q for q in QUESTIONS if q.kind == "scenario"]) >= 60
    for topic in REQUIRED_TOPICS:
        assert counts[topic] >= 3, f"topic {topic} has {counts[topic]} questions"
    assert set(Counter(q.difficulty for q in QUESTIONS)) == {"easy", "medium", "hard"}


def test_every_rubric_has_three_to_six_criteria_and_probes():
    for q in QUESTIONS:
        rubric = BANK.rubric_for(q)
        if q.kind == "checklist":
            assert [c.id for c in rubric.criteria] == CHECKLIST_AREAS, rubric.id
            assert {p.criterion for p in q.follow_ups} == set(CHECKLIST_AREAS), q.id
        else:
            assert 3 <= len(rubric.criteria) <= 6, rubric.id
            # At most one probe per criterion: a criterion whose name is the answer needs its own (issue 20).
            assert 1 <= len(q.follow_ups) <= len(rubric.criteria), q.id
            assert len({p.criterion for p in q.follow_ups}) == len(q.follow_ups), q.id
        words = len(q.model_answer.split())
        assert 120 <= words <= 330, f"{q.id}: model answer has {words} words"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_model_answer_scores_high_and_non_answers_low(question):
    assert score(question, question.model_answer) >= 80
    assert score(question, "") <= 20
    assert score(question, GENERIC) <= 20
    assert score(question, question.prompt) == 0  # reading the question aloud earns nothing
    assert score(question, f"{question.prompt} {GENERIC}") <= 20


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_unrelated_model_answers_score_low(question):
    if question.topic not in RELATED:
        return
    unrelated = RELATED[question.topic] | {question.topic}
    offenders = {
        other.id: s
        for other in QUESTIONS
        if other.topic in RELATED and other.topic not in unrelated and (s := score(question, other.model_answer)) > 30
    }
    assert offenders == {}


def test_no_near_duplicate_questions():
    words = {q.id: content_words(q.prompt) for q in QUESTIONS}
    for a, b in itertools.combinations(QUESTIONS, 2):
        wa, wb = words[a.id], words[b.id]
        overlap = len(wa & wb) / max(1, len(wa | wb))
        assert overlap < 0.5, f"{a.id} and {b.id} look alike ({overlap:.2f})"


def fired_red_flags(question, answer: str) -> dict[str, list[str]]:
    """The red flags and misconceptions (which replace red flags in the built-in bank) an answer fires."""
    grade = GRADER.grade(question, BANK.rubric_for(question), answer)
    fired = {c.id: [*c.red_flags, *(w.claim for w in c.wrong_claims)] for c in grade.criteria}
    return {cid: claims for cid, claims in fired.items() if claims}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_no_red_flag_fires_on_the_model_answer(question):
    # Model answers routinely reject the bad idea; a red flag that fires on them fires on a negation.
    assert fired_red_flags(question, question.model_answer) == {}


NEGATED_RED_FLAGS = [
    (
        "canary-vs-blue-green",
        "Blue-green keeps two full environments and switches all traffic at once. A canary instead sends 5% of "
        "traffic to the new model first and ramps up.",
    ),
    ("canary-vs-blue-green", "Blue-green is simpler than a canary because it switches all traffic at once."),
    ("terraform-serving-stack-dev-staging-prod", "Never commit the state to git."),
    ("terraform-plan-drift-nobody-made", "I wouldn't just apply the plan."),
    ("serverless-summariser-cold-starts", "Increasing the timeout won't fix a cold start."),
    ("serverless-summariser-cold-starts", "Provisioned concurrency isn't free."),
    (
        "move-model-api-to-serverless",
        "Serverless is not always cheaper, because steady heavy traffic usually favours dedicated machines.",
    ),
    (
        "kafka-stream-scoring-bot-detection",
        "Kafka can redeliver a message after a restart, so the writes are idempotent and there are no duplicates "
        "in the moderation queue.",
    ),
    (
        "feature-store-online-offline-skew",
        "Joining today's latest values onto old labels for training would leak future information.",
    ),
    ("self-host-70b-chat-model-vllm", "I wouldn't scale on GPU utilisation alone."),
    ("roll-out-new-llm-and-prompt-version", "Nobody should edit the prompt in production again."),
    # Older rubrics with the same problem.
    ("fraud-alerts-flood-without-deploy", "I wouldn't lower the threshold, because that flags even more transactions."),
    ("recommendation-api-latency-spike", "Don't increase the timeout, because checkout would hang even longer."),
    (
        "async-inference-slow-document-model",
        "I wouldn't just increase the timeout to ten minutes, because clients and load balancers give up long before.",
    ),
    (
        "slow-docker-builds-layer-order",
        "Disabling the cache won't make builds faster; it throws away every reusable layer.",
    ),
    ("drift-with-delayed-labels-credit", "We can't just wait months for the defaults to show up."),
    (
        "batch-vs-online-weekly-churn-list",
        "Batch scoring isn't less accurate than real-time scoring; the model is identical.",
    ),
    (
        "overwritten-latest-model-rollback",
        "We can't keep overwriting one file, and a backup of latest isn't enough either.",
    ),
]


@pytest.mark.parametrize(("question_id", "answer"), NEGATED_RED_FLAGS, ids=[q for q, _ in NEGATED_RED_FLAGS])
def test_red_flag_does_not_fire_on_its_negation(question_id, answer):
    assert fired_red_flags(BANK.questions[question_id], answer) == {}


# The same red flags still catch the wrong claim said outright.
WRONG_CLAIMS = [
    ("canary-vs-blue-green", "A canary sends all traffic to the new model at once."),
    ("canary-vs-blue-green", "With a canary release all traffic moves over in one go."),
    ("terraform-serving-stack-dev-staging-prod", "Honestly we commit the state to git and it works."),
    ("terraform-plan-drift-nobody-made", "The code is the truth, so I'd just apply the plan."),
    ("serverless-summariser-cold-starts", "A longer timeout will fix the slow first requests."),
    ("serverless-summariser-cold-starts", "Provisioned concurrency is free, so turn it on."),
    (
        "move-model-api-to-serverless",
        "In my experience Lambda is always cheaper than containers for this kind of workload.",
    ),
    ("kafka-stream-scoring-bot-detection", "Kafka never delivers duplicates, so we are fine."),
    ("feature-store-online-offline-skew", "I'd join the latest values onto the old labels."),
    ("self-host-70b-chat-model-vllm", "I'd scale on GPU utilisation with an HPA."),
    ("roll-out-new-llm-and-prompt-version", "We can just edit the prompt when it misbehaves."),
    ("fraud-alerts-flood-without-deploy", "I'd lower the threshold so we catch more of it."),
    ("recommendation-api-latency-spike", "I'd increase the timeout so requests stop failing."),
    ("async-inference-slow-document-model", "I'd just raise the timeout to ten minutes."),
    ("slow-docker-builds-layer-order", "I'd disable the cache so the builds are faster."),
    ("drift-with-delayed-labels-credit", "Honestly we just wait for the defaults to come in."),
    ("batch-vs-online-weekly-churn-list", "Batch is less accurate because the scores get stale."),
    ("overwritten-latest-model-rollback", "I'd just back up latest to another folder every night."),
]


@pytest.mark.parametrize(("question_id", "answer"), WRONG_CLAIMS, ids=[q for q, _ in WRONG_CLAIMS])
def test_red_flag_fires_on_the_wrong_claim(question_id, answer):
    assert fired_red_flags(BANK.questions[question_id], answer) != {}


# Answers that only echo the prompt's own facts and buzzwords, sentence by sentence in new words.
VAGUE_ANSWERS = [
    (
        "rag-assistant-confidently-wrong",
        "We use a retrieval augmented generation setup. I don't know the cause yet. "
        "The outdated policy document is a problem. The model is hallucinating.",
    ),
]


@pytest.mark.parametrize(("question_id", "answer"), VAGUE_ANSWERS, ids=[q for q, _ in VAGUE_ANSWERS])
def test_vague_answers_score_low(question_id, answer):
    assert score(BANK.questions[question_id], answer) <= 20
