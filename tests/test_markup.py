"""Your answer, marked up (issue 20): what earned each criterion, the wrong claim, the job's terms, and the
points missed in the model answer; all of it escaped, whatever the answer contains."""

from __future__ import annotations

from types import SimpleNamespace

from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.models import CriterionGrade, Evidence, Grade
from interviewer.ui import markup

from .conftest import QID, choose

BANK = load_bank()
QUESTION = BANK.questions[QID]
RUBRIC = BANK.rubric_for(QUESTION)


def grade(*criteria) -> Grade:
    return Grade(question_id=QID, rubric_id=RUBRIC.id, rubric_version=1, grader="keyword", criteria=list(criteria))


def test_the_sentences_that_earned_a_criterion_are_highlighted_and_the_rest_left_plain():
    answer = "I'd start with a canary at 5% of traffic. Then lunch. Blue-green doubles the cost."
    g = grade(
        CriterionGrade(
            id="mechanics",
            name="How it works",
            level=3,
            weight=2,
            evidence=[Evidence(quote="a canary at 5% of traffic", verified=True)],
        ),
        CriterionGrade(
            id="tradeoffs",
            name="Trade-offs",
            level=2,
            weight=1,
            evidence=[Evidence(quote="Blue-green doubles the cost", verified=True)],
        ),
    )
    out = markup.to_html(answer, markup.mark_answer(answer, g), ["How it works", "Trade-offs"])
    assert 'title="Earned: How it works">I&#x27;d start with a canary at 5% of traffic.<sup>1</sup></mark>' in out
    assert "</mark> Then lunch. <mark" in out
    assert "Blue-green doubles the cost.<sup>2</sup></mark>" in out


def test_an_unverified_quote_earns_no_highlight():
    answer = "A canary first. Then ramp up."
    g = grade(CriterionGrade(id="m", level=2, weight=1, evidence=[Evidence(quote="A canary first.", verified=False)]))
    assert "<mark" not in markup.to_html(answer, markup.mark_answer(answer, g), ["m"])


def test_no_answer_text_ever_becomes_markup():
    answer = 'Use a canary <script>alert(1)</script>. <img src=x onerror="alert(2)"> & "quotes" go here.'
    g = grade(
        CriterionGrade(id="m", name="<b>name</b>", level=2, weight=1, evidence=[Evidence(quote=answer, verified=True)])
    )
    out = markup.to_html(answer, markup.mark_answer(answer, g), ["<b>name</b>"], ["canary", "<img"])
    assert "<script" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;b&gt;name&lt;/b&gt;" in out
    assert "<u>canary</u>" in out and "<u>&lt;img</u>" in out  # a term is escaped too, never cut inside "&lt;"
    assert "&amp; &quot;quotes&quot;" in out
    assert "<b>" not in markup.legend(g, terms=False)


def test_a_wrong_claim_is_marked_with_why_from_wrong_claims_or_red_flag_quotes():
    answer = "Blue-green keeps two environments. A canary sends all traffic at once."
    claim = SimpleNamespace(
        claim="All traffic at once", why="a canary shifts traffic gradually", quote="A canary sends all traffic at once"
    )
    with_claims = SimpleNamespace(evidence=[], wrong_claims=[claim], flags_said=lambda: [])
    out = markup.to_html(answer, markup.mark_answer(answer, SimpleNamespace(criteria=[with_claims])), ["m"])
    assert (
        'title="All traffic at once: a canary shifts traffic gradually">✗ A canary sends all traffic at once.</span>'
        in out
    )
    # Before the graders add wrong_claims: the red flag and the sentence that said it.
    flagged = CriterionGrade(
        id="m",
        level=1,
        weight=1,
        red_flags=["Claims canary is instant"],
        red_flag_quotes=["A canary sends all traffic at once."],
    )
    out = markup.to_html(answer, markup.mark_answer(answer, grade(flagged)), ["m"])
    assert 'title="Claims canary is instant">✗ A canary sends all traffic at once.' in out
    assert "Blue-green keeps two environments." in out


def test_job_terms_are_underlined_as_whole_words_only():
    answer = "Kubernetes runs it; kube is not a word here, and k8s neither. KUBERNETES again."
    out = markup.to_html(answer, markup.spans(answer), [], ["Kubernetes", "k8s"])
    assert out.count("<u>") == 3 and "<u>KUBERNETES</u>" in out and "<u>kube</u>" not in out


def test_the_model_answer_marks_the_points_missed():
    answer = "I'd use a canary: 5% of traffic to the new model first, then ramp it up in steps."
    g = get_grader("keyword").grade(QUESTION, RUBRIC, answer)
    missed = [m for c in g.criteria for m in [*c.missed, *c.missed_optional]]
    assert missed
    sentences, unplaced = markup.mark_model(QUESTION.model_answer, g, RUBRIC)
    marked = [m for s in sentences for m in s.missed]
    assert set(marked) | set(unplaced) == set(missed) and len(set(marked)) > len(unplaced)
    out = markup.to_html(QUESTION.model_answer, sentences, [])
    assert 'title="You missed: ' in out


def test_a_quote_is_found_in_its_sentence_despite_small_differences():
    sentences = markup.spans("First we ship to 5% of users.\nThen we watch the error rate and p99 latency closely.")
    (hit,) = markup.find_sentence("we watch the error rate, and p99 latency", sentences)
    assert hit.text.startswith("Then we watch")
    assert markup.find_sentence("something never said at all", sentences) == []


def test_practice_feedback_has_the_marked_up_answer_with_job_terms(app):
    at = choose(app)
    from interviewer.coaching import tailor

    at.session_state["tailor_result"] = tailor.TailorResult(
        skills=[tailor.SkillFound(id="k8s", name="Kubernetes", weight=1, mentions=1, phrases=["canary"])],
        matches=[],
        gaps=[],
    )
    at.text_area(key=f"answer_{QID}").input("I'd use a canary: 5% of traffic, then ramp up while watching latency.")
    at.button(key="submit").click().run()
    assert not at.exception
    (box,) = [e for e in at.expander if e.label == "Your answer, marked up"]
    html = "\n".join(h.proto.body for h in box.get("html"))
    assert "<mark" in html and "<u>canary</u>" in html and "points you missed" in html
