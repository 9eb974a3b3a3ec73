"""Text from an answer, a model or an identity provider is data: escape it before Markdown sees it."""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: str) -> str:
    """Escape Markdown so the text renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")
