"""Layout in a real browser (issue 20): the real Streamlit server on 127.0.0.1, driven by Playwright and Debian's
chromium, at a desktop width (the centred layout) and a phone's.

History's score, grader and status columns are visible; a refresh keeps the Practice question; the
walkthrough's checklist starts neutral.
"""

from __future__ import annotations

import time

import pytest

from interviewer.coaching import interview
from interviewer.content.bank import load_bank
from interviewer.graders import get_grader
from interviewer.history.store import Store
from interviewer.text import sentences

from .conftest import require
from .test_browser_e2e import ARTIFACTS, CHROMIUM, FLAGS, _missing, streamlit_server, wait_idle

BANK = load_bank()
DESKTOP, PHONE = (1280, 900), (390, 844)
SCENARIOS = sorted((q for q in BANK.questions.values() if q.kind == "scenario"), key=lambda q: q.id)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a history with answers already given: one with a follow-up that raised its score."""
    require(_missing())
    tmp = tmp_path_factory.mktemp("ux")
    (tmp / "settings.json").write_text('{"grader": "keyword"}', encoding="utf-8")
    database = Store.open(tmp / "history.db")
    store, grader = database.for_profile("default"), get_grader("keyword")
    for q in SCENARIOS[:3]:
        session = interview.start(store, BANK, "practice", [q.id])
        thin = " ".join(s.text for s in sentences(q.model_answer)[:2])
        interview.answer(store, grader, BANK, session, thin, now=time.time())
        interview.answer(store, grader, BANK, session, q.model_answer, now=time.time())
    database.close()
    with streamlit_server("app.py", tmp) as url:
        yield url


@pytest.fixture
def page(server, request):
    """A browser tab; `page.set_viewport_size` picks the width."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        tab = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
        tab.set_default_timeout(30_000)
        yield tab
        if request.node.rep_call.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
        browser.close()


def open_page(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for()
    wait_idle(page)


def visible_columns(page) -> list[str]:
    """The header cells the data grid draws: it renders (and exposes to screen readers) only the columns that
    are in view, so a column cut off at the right is missing here."""
    grid = page.locator("[data-testid='stDataFrame'] table[role='grid']").first
    grid.wait_for(state="attached")
    return [h.inner_text() for h in grid.locator("th[role='columnheader']").all()]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_history_shows_the_score_at_desktop_and_phone_width(server, page, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_page(page, f"{server}/history")
    page.get_by_text("3 attempt(s)").wait_for()
    columns = visible_columns(page)
    assert columns[:2] == ["when", "score"]
    if size == DESKTOP:  # the centred layout shows every column that matters
        assert {"score", "question", "status", "grader"} <= set(columns)
    scores = page.locator("[data-testid='stDataFrame'] td[aria-colindex='2']")
    assert all("→" in s.inner_text() for s in scores.all())  # each answer's follow-up raised its score
    # The page's wide content stays inside the screen: nothing to scroll sideways to find the score.
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]


def test_a_refresh_keeps_the_practice_question(server, page):
    question = SCENARIOS[-1]
    open_page(page, server)
    page.get_by_label("Question", exact=True).click()
    page.keyboard.type(question.title[:30])  # the list is long: type to find it
    page.get_by_role("option", name=question.title).first.click()
    page.get_by_text(question.prompt[:40]).wait_for()
    wait_idle(page)
    assert f"q={question.id}" in page.url
    page.reload()
    page.locator("h1").first.wait_for()
    wait_idle(page)
    page.get_by_text(question.prompt[:40]).wait_for()
    assert page.get_by_label("Question", exact=True).input_value().startswith(question.title)


def test_the_walkthrough_starts_neutral(server, page):
    open_page(page, f"{server}/walkthrough")
    page.get_by_text("Checklist", exact=True).wait_for()
    scenario = min((q for q in BANK.questions.values() if q.kind == "checklist"), key=lambda q: q.id)
    areas = len(BANK.rubric_for(scenario).criteria)
    assert page.get_by_text("○ not yet").count() == areas
    assert page.get_by_text("missed").count() == 0
