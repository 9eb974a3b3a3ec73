"""Untrusted text as plain text: for Markdown (the UI, the report), for terminals, and for spreadsheets.

Text that a pack, a server, an identity provider or an imported file supplies is data. In Markdown it must
not become a link, an image, HTML, a Streamlit directive (`:red[...]`, `:material/...:`) or LaTeX; on a
terminal it must not carry escape sequences; in a CSV cell it must not start a formula.
"""

from __future__ import annotations

import re
import unicodedata

# About 20 minutes of fast speech; longer input is almost surely a paste accident (or an attack).
MAX_ANSWER_CHARS = 20_000

# The ASCII punctuation that shapes markup anywhere in a line, escaped with a backslash: emphasis and code (*_`),
# links and images ([]()!), HTML and autolinks in brackets (<>), tables (|), Streamlit's directives, colours
# and icons (:[]), LaTeX ($) and strikethrough (~). Lists, headings, quotes and rules only start a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|<>~$:])")
_LINE_START = re.compile(r"^(\s*\d*)((?<=\d)[.)]|(?<!\d)[-+#=])")
# GFM also links bare URLs and e-mail addresses found in plain text (after escapes are resolved), so a word
# joiner (U+2060, invisible) goes where those patterns need two characters side by side.
_BARE_LINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?=@)")
WORD_JOINER = "\u2060"
# Bidirectional overrides reorder what a reader sees ("Trojan source"); zero-width and BOM characters hide text.
_INVISIBLE = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def md_escape(text: str) -> str:
    """Escape Markdown so the text renders literally, on one line: no links, images, HTML or directives."""
    text = _BARE_LINK.sub(WORD_JOINER, strip_controls(str(text), keep="\n")).replace("\n", " ")
    return _LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def strip_controls(text: str, keep: str = "\n\t") -> str:
    """Remove control characters (C0, C1, DEL: terminal escape sequences start with them) and invisible
    direction overrides, except the characters in `keep`."""
    return "".join(ch for ch in text if ch in keep or (unicodedata.category(ch) != "Cc" and ch not in _INVISIBLE))


def terminal_safe(text: object) -> str:
    """Text for a terminal: no escape sequences or other control characters, line breaks and tabs kept."""
    return strip_controls(str(text))


class TerminalStream:
    """A text stream that writes everything through `strip_controls`: what the CLI prints can hold text from
    packs, servers and imported files, and none of it may move the cursor, recolour or retitle a terminal."""

    def __init__(self, stream, keep: str = "\n\t"):
        self.stream, self.keep = stream, keep

    def write(self, text: str) -> int:
        self.stream.write(strip_controls(text, keep=self.keep))
        return len(text)

    def __getattr__(self, name: str):  # flush, isatty, encoding, fileno, ...
        return getattr(self.stream, name)


def csv_cell(value: object) -> object:
    """A spreadsheet must not read a cell as a formula: text starting with = + - @ (or a tab or line break)
    gets a leading apostrophe, as OWASP advises. Numbers and empty cells pass through."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def fence(text: str, info: str = "text") -> str:
    """A fenced code block that shows `text` literally, whatever backticks or tildes it holds."""
    longest = max((len(m) for m in re.findall(r"`+|~+", text)), default=0)
    marker = "`" * max(3, longest + 1)
    return f"{marker}{info}\n{text.rstrip()}\n{marker}"
