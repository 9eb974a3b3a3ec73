"""Text that a pack, a server or an imported file supplies is shown as plain text: no links, images, HTML or
Streamlit directives in the UI (the real AppTest), no terminal escape sequences in the CLI."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from google.protobuf.message import Message

from interviewer.cli import main
from interviewer.content import packs
from interviewer.ui import escape
from interviewer.ui.escape import md_escape

from ..conftest import choose, new_app
from ..fake_llm import FakeLLMServer
from ..test_packs import HEADER, OWN

# A fake banner, a tracking image, a phishing link, raw HTML, a bare URL and an e-mail autolink.
HOSTILE = "![t](http://evil.test/t.png) [Sign in again](http://evil.test/login) <b>x</b> :red[Session expired] "
HOSTILE += "see https://evil.test or www.evil.test or ada@evil.test $x^2$"
# Any of it unescaped (no backslash before it, no word joiner inside a bare link): none may reach a Markdown field.
RENDERED = re.compile(r"(?<!\\)(\]\(http|<b>|:red\[Session|!\[|\$x)|https://evil|www\.evil|a@evil")
# Elements that show their text as is (not Markdown): their raw text is fine. The read-aloud component gets the
# question as JSON data and sets it as the text of a page element.
PLAIN_ELEMENTS = {"selectbox", "multiselect", "code", "text", "dataframe", "json", "text_area", "text_input"}
PLAIN_ELEMENTS |= {"bidi_component"}
# st.html (the marked-up answer) renders HTML built from html.escape'd pieces, with no Markdown pass, so
# "![x](y)" or ":red[...]" in it shows as the characters they are; tests/test_markup.py checks the escaping.
PLAIN_ELEMENTS |= {"html"}


def _strings(message: Message):
    for _, value in message.ListFields():
        values = [value] if isinstance(value, str | bytes | Message) or not hasattr(value, "__iter__") else value
        for v in values:
            if isinstance(v, str):
                yield v
            elif isinstance(v, Message):
                yield from _strings(v)


def markdown_texts(at) -> list[str]:
    """Every string the page hands to Markdown: bodies, labels, captions, alerts, expander titles, options."""
    found: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and kind not in PLAIN_ELEMENTS:
            found.extend(_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def raw_markup(at) -> list[str]:
    return [t for t in markdown_texts(at) if RENDERED.search(t)]


def hostile_pack() -> str:
    own = OWN.replace("title: A question", f"title: 'Q {HOSTILE}'")
    own = own.replace("prompt: How would you release it?", f"prompt: 'How? {HOSTILE}'")
    own = re.sub(r"model_answer: .*", f"model_answer: 'A canary {HOSTILE}'", own)
    own = own.replace("name: Release strategy", f"name: 'Release {HOSTILE}'")
    glossary = f"glossary:\n  - term: 'canary {HOSTILE}'\n    definition: 'def {HOSTILE}'\n"
    glossary += f"    interview: 'int {HOSTILE}'\n    aliases: ['trap']\n"
    return HEADER + own + glossary


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text(hostile_pack(), encoding="utf-8")
    packs.import_pack(path, Path(os.environ["INTERVIEWER_PACKS"]))
    return path


def test_md_escape_leaves_nothing_to_render():
    for text in [HOSTILE, "<img src=x onerror=alert(1)>", ":material/warning: :blue-background[x]", "# Heading"]:
        escaped = md_escape(text)
        assert not RENDERED.search(escaped), escaped
        assert "\n" not in escaped and not re.search(r"(?<!\\)(<img|:material/|^#)", escaped)
    assert md_escape("line\x1b[31m one\nline two") == "line\\[31m one line two"
    assert escape.md_paragraphs("first\nline\n\nsecond [x](y)") == "first  \nline\n\nsecond \\[x\\]\\(y\\)"


def test_pack_text_is_plain_on_practice_history_and_glossary(hostile):
    at = new_app()
    at.selectbox(key="practice_topic").set_value("team-topic").run()
    assert not at.exception
    assert not raw_markup(at)
    at.text_area(key="answer_team-q1").input(f"A canary with a small share of traffic. {HOSTILE}").run()
    at.button(key="submit").click().run()
    assert not at.exception
    assert at.metric and not raw_markup(at)  # feedback: criterion names, the model answer, the answer itself

    at.switch_page("interviewer/ui/pages/history.py").run()
    assert not at.exception and not raw_markup(at)
    at.switch_page("interviewer/ui/pages/progress.py").run()
    assert not at.exception and not raw_markup(at)
    at.switch_page("interviewer/ui/pages/glossary.py").run()
    at.text_input(key="glossary_search").input("trap").run()
    assert not at.exception
    texts = markdown_texts(at)
    assert any("def " in t for t in texts) and not raw_markup(at)


def test_pack_text_is_plain_in_the_mock_report(hostile):
    at = new_app().switch_page("interviewer/ui/pages/mock.py").run()
    at.multiselect(key="mock_topics").set_value(["team-topic"]).run()
    at.button(key="mock_start").click().run()
    at.text_area(key="mock_team-q1").input("A canary with a small share of traffic.").run()
    at.button(key="submit").click().run()
    at.button(key="mock_end").click().run()
    at.button(key="mock_end_confirm").click().run()  # ending early asks first
    assert not at.exception and at.table
    assert not raw_markup(at)


def test_model_ids_from_a_server_are_plain(app):
    with FakeLLMServer(models=(f"m {HOSTILE}",)) as fake:
        at = app.switch_page("interviewer/ui/pages/settings.py").run()
        at.text_input(key="settings_base_url").input(fake.base_url).run()
        at.button(key="settings_test").click().run()
    assert not at.exception and at.success
    assert not raw_markup(at)


def test_a_grader_name_from_an_imported_file_is_plain(tmp_path, capsys):
    assert main(["grade", "canary-vs-blue-green", "--answer", "A canary with 5% of traffic.", "--save"]) == 0
    out = tmp_path / "export.json"
    assert main(["export", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    data["attempts"][0]["grade"]["grader"] = f"keyword {HOSTILE}"
    data["attempts"][0]["grade"]["summary"] = f"Great {HOSTILE}"
    out.write_text(json.dumps(data))
    assert main(["import", str(out), "--profile", "imported"]) == 0
    capsys.readouterr()
    at = new_app()
    at.sidebar.selectbox(key="profile_picker").set_value("imported").run()
    at.switch_page("interviewer/ui/pages/history.py").run()
    assert not at.exception
    assert any("keyword" in t and "evil" in t for t in markdown_texts(at))  # shown, as text
    assert not raw_markup(at)


def test_tts_error_text_is_plain(app, monkeypatch):
    with FakeLLMServer() as fake:
        fake.enqueue(("status", 400, None, {"error": {"message": f"bad voice {HOSTILE}"}}))
        monkeypatch.setenv("INTERVIEWER_TTS_BACKEND", "api")
        monkeypatch.setenv("INTERVIEWER_LLM_BASE_URL", fake.base_url)
        at = choose(new_app())
        at.button(key="speak_0_canary-vs-blue-green").click().run()
    assert not at.exception
    assert any("bad voice" in w.value for w in at.warning)
    assert not raw_markup(at)


# --- the terminal ------------------------------------------------------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x9b31m\u202eevil\r"


def test_terminal_safe_strips_escape_sequences():
    from interviewer.plain import terminal_safe

    assert terminal_safe(f"ok {ESCAPES}\nnext\tcol") == "ok ]0;pwned[2J[31mRED31mevil\nnext\tcol"


def test_the_cli_prints_no_escape_sequences(tmp_path, monkeypatch, capsys):
    pack = HEADER + OWN.replace("title: A question", f'title: "A question {ESCAPES.replace(chr(27), chr(92) + "e")}"')
    pack = pack.replace("\\e", "\\e").replace("\x07", "\\a").replace("\x9b", "\\x9b").replace("\u202e", "\\u202e")
    path = tmp_path / "team.yaml"
    path.write_text(pack.replace("\r", "\\r"), encoding="utf-8")
    assert main(["pack", "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["list", "--topic", "team-topic"]) == 0
    out = capsys.readouterr().out
    assert "A question" in out and "RED" in out
    assert not any(ch in out for ch in "\x1b\x07\x9b\u202e\r")
