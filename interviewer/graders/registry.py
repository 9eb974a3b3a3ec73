"""Finding graders by name, and choosing one: what `auto` means and the order of fallbacks.

The built-in backends are the modules of this package, imported on first use (so a new backend is one new
file); other packages add theirs through the `interviewer.graders` entry point group.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from typing import Any

from ..config import Settings
from ..errors import UserError
from . import agreement, base
from .base import Grader, register

ENTRY_POINT_GROUP = "interviewer.graders"


class UnknownGraderError(UserError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def _discover() -> None:
    package = __name__.rpartition(".")[0]
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        importlib.import_module(f"{package}.{module.name}")  # a backend registers itself on import
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in base._REGISTRY:
            register(ep.load())


def available() -> list[str]:
    _discover()
    return sorted(base._REGISTRY)


def grader_class(name: str) -> type[Grader] | None:
    """The class registered under `name` (None for a grader no longer installed, e.g. in an old grade)."""
    _discover()
    return base._REGISTRY.get(name)


def get_grader(name: str, **options: Any) -> Grader:
    cls = grader_class(name)
    if cls is None:
        raise UnknownGraderError(f"unknown grader {name!r}; available: {', '.join(available())}")
    return cls(**options)


def offline_order(settings: Settings | None = None) -> list[str]:
    """The offline graders that can run here, the one that agrees best with human scores first (as `make bench`
    measured it; one that was never measured goes first, as it needs nothing): what `auto` picks without a
    server, and the order of fallbacks when a grader fails."""
    settings = settings or Settings()
    _discover()
    usable = [n for n, cls in sorted(base._REGISTRY.items()) if cls.offline and cls.unavailable(settings) is None]
    figures = agreement.measured()
    known = figures.graders if figures else {}
    return sorted(usable, key=lambda name: -known[name].pearson if name in known else 1.0)


def choose(settings: Settings) -> str:
    """The grader's name for these settings: the one asked for, or for `auto` a grader that talks to the
    configured LLM server, else the best offline grader."""
    if settings.grader != "auto":
        return settings.grader
    _discover()
    if settings.llm_configured:
        for name, cls in sorted(base._REGISTRY.items()):
            if cls.needs_server and cls.unavailable(settings) is None:
                return name
    return offline_order(settings)[0]
