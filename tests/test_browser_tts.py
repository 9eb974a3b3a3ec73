"""Questions read aloud in a real browser: the Listen control calls the page's speech synthesis with the question.

chromium here has no voices of its own, so an init script (run before any page script) stands in a
speechSynthesis that records what it is asked to say; the second test takes speech synthesis away.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from interviewer.content.bank import load_bank

from .conftest import ROOT, require
from .test_browser_e2e import _missing, page, server, streamlit_server, type_answer, wait_idle  # noqa: F401

HOSTILE = "Say \"canary\" </script><script>window.__pwned = 1</script> & 'quote' 🚀 — done?"

RECORDER = """
window.__spoken = [];
const testVoice = { name: "Test voice", lang: "en-US", default: true, localService: true, voiceURI: "test" };
// A real utterance only takes a real SpeechSynthesisVoice, so the stand-in replaces both.
window.SpeechSynthesisUtterance = class {
  constructor(text) { this.text = text; this.voice = null; this.rate = 1; }
};
const recorder = {
  speaking: false, pending: false, paused: false,
  getVoices: () => [testVoice],
  speak: (u) => window.__spoken.push({ text: u.text, rate: u.rate, voice: u.voice && u.voice.name }),
  cancel: () => {}, pause: () => {}, resume: () => {},
  addEventListener: () => {}, removeEventListener: () => {},
};
Object.defineProperty(window, "speechSynthesis", { value: recorder, configurable: true });
"""

NO_SPEECH = """
delete Window.prototype.speechSynthesis;
delete window.speechSynthesis;
delete window.SpeechSynthesisUtterance;
"""


def first_question():
    return sorted(
        (q for q in load_bank().questions.values() if q.kind == "scenario"), key=lambda q: (q.topic, q.difficulty, q.id)
    )[0]  # what the Practice page shows first


def test_listen_speaks_the_question_text(server, page):  # noqa: F811
    question = first_question()
    page.add_init_script(RECORDER)
    page.goto(server)
    page.get_by_text(question.prompt[:40]).wait_for()
    wait_idle(page)
    page.get_by_role("button", name="🔊 Listen").first.click()
    page.wait_for_function("window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert spoken == [{"text": question.prompt, "rate": 1, "voice": None}]


def test_no_speech_synthesis_is_said_plainly(server, page):  # noqa: F811
    question = first_question()
    page.add_init_script(NO_SPEECH)
    page.goto(server)
    page.get_by_text(question.prompt[:40]).wait_for()
    page.get_by_text("No speech voice is available in this browser").first.wait_for()
    assert page.get_by_role("button", name="🔊 Listen").first.is_disabled()


def test_no_voice_is_explained_once_per_page(server, page):  # noqa: F811
    page.add_init_script(NO_SPEECH)
    page.goto(server)
    page.get_by_role("link", name="Quiz").click()
    page.get_by_role("button", name="Start round").click()
    page.get_by_text("No speech voice is available in this browser").first.wait_for()
    expect(page.get_by_text("(no voice)", exact=True)).to_have_count(14)  # the controls sit in shadow roots
    wait_idle(page)
    assert page.get_by_text("No speech voice is available in this browser").count() == 1  # not 15 times


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A one-widget app whose question is built to break out of HTML or JS if it were spliced in."""
    require(_missing())
    tmp = tmp_path_factory.mktemp("tts")
    script = tmp / "hostile.py"
    script.write_text(f"from interviewer.ui import speak\n\nspeak.listen({HOSTILE!r}, 'hostile')\n")
    with streamlit_server(str(script), tmp, {"PYTHONPATH": str(ROOT)}) as url:
        yield url


def test_hostile_question_text_is_spoken_verbatim(hostile_server, page):  # noqa: F811
    page.add_init_script(RECORDER)
    page.goto(hostile_server)
    page.get_by_role("button", name="🔊 Listen").click()
    page.wait_for_function("window.__spoken.length > 0")
    assert page.evaluate("window.__spoken.map((s) => s.text)") == [HOSTILE]
    assert page.evaluate("window.__pwned") is None


def test_mock_interview_reads_each_new_question_once(server, page):  # noqa: F811
    page.add_init_script(RECORDER)
    page.goto(server)
    page.get_by_role("link", name="Mock interview").click()
    page.get_by_text("Read each new question aloud").click()
    page.get_by_role("button", name="Start interview").click()
    page.get_by_text("Question 1 of").wait_for()
    page.wait_for_function("window.__spoken.length > 0")
    first = page.evaluate("window.__spoken.map((s) => s.text)")
    assert len(first) == 1 and first[0] in {q.prompt for q in load_bank().questions.values()}
    page.wait_for_timeout(2500)  # the countdown reruns every second; that must not speak again
    type_answer(page, "A canary with five percent of the traffic, watching latency, then ramp up.")
    assert page.evaluate("window.__spoken.length") == 1


def test_settings_lists_browser_voices_and_picks_one(server, page):  # noqa: F811
    page.add_init_script(RECORDER)
    page.goto(server)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Test voice (en-US)").click()
    from playwright.sync_api import expect

    expect(page.get_by_role("textbox", name="Voice name")).to_have_value("Test voice")
    page.get_by_role("button", name="🔊 Try this voice").click()
    page.wait_for_function("window.__spoken.length > 0")
    assert page.evaluate("window.__spoken[0].voice") == "Test voice"
