"""The offline semantic grader: real embedding models from the installed packages, no network."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from interviewer.content.bank import load_bank
from interviewer.graders import evaluate, get_grader, semantic
from interviewer.graders.base import asked_text
from interviewer.graders.evidence import quote_in_answer
from interviewer.graders.keyword import AnswerIndex
from interviewer.models import Question

from .robustness.test_hostile_answers import INJECTIONS
from .robustness.test_hostile_answers import QUESTIONS as HOSTILE_QUESTIONS
from .test_bank_content import GENERIC

BANK = load_bank()
SEMANTIC = get_grader("semantic")
KEYWORD = get_grader("keyword")
QUESTIONS = sorted(BANK.questions.values(), key=lambda q: q.id)


def grade(question, answer, grader=SEMANTIC):
    return grader.grade(question, BANK.rubric_for(question), answer)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_model_answers_high_generic_answers_low(question):
    assert grade(question, question.model_answer).score >= 80
    assert grade(question, GENERIC).score <= 20
    assert grade(question, question.prompt).score == 0  # reading the question aloud earns nothing
    assert grade(question, f"{question.prompt} {GENERIC}").score <= 20


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS, ids=lambda q: q.id)
def test_injections_score_at_most_20(question):
    assert max(grade(question, a).score for a in INJECTIONS) <= 20


def test_a_paraphrase_earns_more_than_keywords_alone():
    """Said mostly in other words than the reference: the keyword grader sees one word, embeddings more."""
    reference = "Send a small share of live traffic to the new model first."
    rubric = evaluate.draft_rubric(reference, "canary-def", "What is a canary release?")
    question = Question(
        id="canary-def", title="Canary", prompt="What is a canary release?", topic="release-strategies",
        difficulty="easy", rubric="canary-def", model_answer=reference,
    )  # fmt: skip
    paraphrase = "You route a few percent of real user traffic to the fresh version before everybody else."
    assert SEMANTIC.grade(question, rubric, paraphrase).score > KEYWORD.grade(question, rubric, paraphrase).score
    assert SEMANTIC.grade(question, rubric, "I don't know.").score == 0


def test_an_answer_to_this_question_earns_credit_for_other_words_and_one_to_another_does_not():
    """The same paraphrase (no keyword of the reference) is credited when it takes up the question it answers,
    and not when graded as the answer to an unrelated question: the gate that keeps answers to other
    questions from scoring."""
    prompt = "Why would you pin library versions in a model's serving image?"
    reference = (
        "Training and production then run identical dependencies, so an upgrade cannot silently alter predictions."
    )
    answer = (
        "You pin library versions in the serving image so a new release of some package can't quietly change "
        "the model's outputs."
    )
    rubric = evaluate.draft_rubric(reference, "pin", prompt)

    def asked(text):
        return Question(
            id="pin", title="Pin", prompt=text, topic="eval", difficulty="easy", rubric="pin", model_answer=reference
        )

    assert semantic.echoes(prompt, answer)
    assert KEYWORD.grade(asked(prompt), rubric, answer).score == 0
    assert SEMANTIC.grade(asked(prompt), rubric, answer).score > 0
    other = "Which metrics would you alert on for a fraud model?"
    assert not semantic.echoes(other, answer)
    assert SEMANTIC.grade(asked(other), rubric, answer).score == 0


def test_repeating_the_question_is_not_taking_it_up():
    prompt = "Why would you pin library versions in a model's serving image?"
    question = Question(
        id="pin", title="Pin", prompt=prompt, topic="eval", difficulty="easy", rubric="pin", model_answer="-"
    )
    for answer in (prompt, f"{prompt} Yes, exactly that.", f"Yes. {prompt.replace(' ', ', well, ')}"):
        said = " ".join(s.norm for s in AnswerIndex(answer, asked_text(question)).sentences)
        assert not semantic.echoes(prompt, said), answer
    own = "I pin library versions in the serving image so builds are repeatable."
    assert semantic.echoes(prompt, " ".join(s.norm for s in AnswerIndex(own, prompt).sentences))


def test_never_below_the_keyword_grader_and_quotes_come_from_the_answer():
    for question in QUESTIONS[:10]:
        words = question.model_answer.split()
        partial = " ".join(words[: len(words) // 3])
        semantic, keyword = grade(question, partial), grade(question, partial, KEYWORD)
        for s, k in zip(semantic.criteria, keyword.criteria, strict=True):
            assert k.level <= s.level <= k.level + 1
            assert all(quote_in_answer(e.quote, partial) for e in s.evidence)
            if s.level == k.level:  # not lifted: no quotes or points credited beyond what the level counts
                assert (s.evidence, s.missed, s.missed_optional) == (k.evidence, k.missed, k.missed_optional)


def test_models_load_with_the_network_blocked(tmp_path):
    """No hub download at run time: loading and grading work with every socket refused."""
    script = textwrap.dedent(
        """
        import socket
        def refuse(*a, **k):
            raise OSError("network blocked by the test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from interviewer.content.bank import load_bank
        from interviewer.graders import get_grader, semantic
        bank = load_bank()
        q = bank.questions["canary-vs-blue-green"]
        print(get_grader("semantic").grade(q, bank.rubric_for(q), q.model_answer).score)
        """
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "0"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) >= 80
    assert not (tmp_path / ".cache").exists() or not any((tmp_path / ".cache").rglob("*.safetensors"))


def test_a_grader_that_cannot_load_falls_back_to_keywords(monkeypatch):
    from interviewer.coaching.answers import grade_with_fallback
    from interviewer.graders import embeddings

    def broken():
        raise embeddings.EmbeddingsUnavailable("the semantic grader needs wordllama: pip install -e .")

    monkeypatch.setattr(embeddings, "get", broken)
    q = QUESTIONS[0]
    result = grade_with_fallback(SEMANTIC, q, BANK.rubric_for(q), q.model_answer)
    assert result.grader == "keyword" and "needs wordllama" in result.fallback_reason


def test_a_failed_grader_falls_back_to_semantic_then_keyword(monkeypatch):
    from interviewer.coaching.answers import grade_with_fallback
    from interviewer.graders import embeddings
    from interviewer.graders.base import GradingError

    class Down:
        name = "llm"

        def grade(self, question, rubric, answer):
            raise GradingError("cannot connect to 127.0.0.1:9")

    q = QUESTIONS[0]
    result = grade_with_fallback(Down(), q, BANK.rubric_for(q), q.model_answer)
    assert result.grader == "semantic" and result.fallback_reason == "llm grader failed: cannot connect to 127.0.0.1:9"

    def broken():
        raise embeddings.EmbeddingsUnavailable("the semantic grader needs wordllama: pip install -e .")

    monkeypatch.setattr(embeddings, "get", broken)
    result = grade_with_fallback(Down(), q, BANK.rubric_for(q), q.model_answer)
    assert result.grader == "keyword"
    assert result.fallback_reason == (
        "llm grader failed: cannot connect to 127.0.0.1:9; semantic grader failed: the semantic grader needs "
        "wordllama: pip install -e ."
    )
