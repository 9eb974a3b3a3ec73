"""Answers mostly not in English are told plainly that grading is English-only (issue 20, problem 9)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from interviewer.coaching.language import mostly_not_english
from interviewer.content.bank import load_bank

from .conftest import QID, choose

OTHER = {
    "es": "Usaría un despliegue canary: primero envío el 5% del tráfico al nuevo modelo y miro la latencia y los "
    "errores. Si todo va bien, subo poco a poco; si no, hago rollback.",
    "fr": "J'utiliserais un déploiement canary : on envoie d'abord 5 % du trafic au nouveau modèle, et on surveille "
    "la latence et les erreurs avant d'augmenter.",
    "de": "Ich würde ein Canary-Deployment nutzen: zuerst geht nur 5 % des Traffics an das neue Modell, und wir "
    "beobachten Latenz und Fehlerrate, bevor wir erhöhen.",
    "pt": "Eu usaria um canary: primeiro mando 5% do tráfego para o novo modelo e observo a latência e os erros.",
    "it": "Userei un rilascio canary: prima mando il 5% del traffico al nuovo modello e guardo la latenza "
    "e gli errori.",
    "pl": "Użyłbym wdrożenia canary: najpierw 5% ruchu idzie na nowy model, patrzę na opóźnienia i błędy, a potem "
    "zwiększam udział, jeśli nie ma problemów.",
    "ru": "Я бы использовал canary: сначала 5% трафика на новую модель, смотрим на задержку и ошибки.",
    "zh": "我会使用金丝雀发布：先把5%的流量发给新模型，观察延迟和错误率，如果没问题再逐步增加。",
}


@pytest.mark.parametrize("lang", sorted(OTHER))
def test_answers_in_other_languages_are_recognised(lang):
    assert mostly_not_english(OTHER[lang])


@pytest.mark.parametrize(
    "text",
    [
        "canary 5% traffic, latency p99, error rate, rollback, blue-green, Kubernetes, Argo Rollouts",  # a term list
        "I would use a canary, or as we say in Spanish, un despliegue canario: 5% of the traffic first, then more.",
        "Canary, por favor.",  # too short to tell
        "",
    ],
)
def test_english_term_lists_mixed_and_short_answers_are_not_flagged(text):
    assert not mostly_not_english(text)


def test_no_english_answer_of_the_bank_or_the_expert_set_is_flagged():
    answers = [q.model_answer for q in load_bank().questions.values()]
    for path in sorted((Path(__file__).parent.parent / "benchmarks" / "data").glob("domain_*.csv")):
        with path.open(encoding="utf-8") as f:
            answers += [row["answer"] for row in csv.DictReader(f)]
    assert len(answers) > 300
    assert [a[:60] for a in answers if mostly_not_english(a)] == []


def test_practice_says_grading_is_english_only_and_still_shows_the_grade(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input(OTHER["es"])
    at.button(key="submit").click().run()
    assert not at.exception
    assert any("Grading is English-only" in w.value for w in at.warning)
    assert at.metric and at.metric[0].value.endswith("/100")


def test_an_english_answer_gets_no_language_notice(app):
    at = choose(app)
    at.text_area(key=f"answer_{QID}").input("I'd use a canary: 5% of traffic, then ramp up while watching latency.")
    at.button(key="submit").click().run()
    assert not any("English-only" in w.value for w in at.warning)
