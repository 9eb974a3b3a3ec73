"""Text from an answer, a pack, a model, a server, an imported file or an identity provider is data: escape it
before Markdown sees it (a label, a caption, a message box, a table cell), or show it with `st.text`/`st.code`.

`md_escape` lives in `interviewer/plain.py`, shared with the Markdown report; it leaves no link, image,
autolink, HTML, LaTeX or Streamlit directive (`:red[...]`, `:material/...:`) to render.
"""

from __future__ import annotations

import re

from ..plain import md_escape

__all__ = ["md_escape", "md_paragraphs"]


def md_paragraphs(text: str) -> str:
    """Escaped text that keeps its paragraphs (blank lines) and its line breaks (as hard breaks)."""
    paragraphs = re.split(r"\n\s*\n", str(text).strip())
    return "\n\n".join(
        "  \n".join(md_escape(line) for line in p.splitlines() if line.strip()) for p in paragraphs if p.strip()
    )
