"""Requests per user on a shared deployment: grading and drafting cost server time (and money), so each
signed-in profile gets a budget per window. In memory: a Streamlit deployment is one process. No Streamlit here.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from ..errors import UserError


class RateLimited(UserError):
    """Too many requests from one profile in the window; the message says when to try again."""


class RateLimiter:
    """At most `limit` events per `window_s` seconds for each key (a profile name), sliding."""

    def __init__(self, what: str, limit: int, window_s: float):
        self.what, self.limit, self.window_s = what, limit, window_s
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> None:
        """Count one event for `key`, or raise RateLimited when its budget is spent (nothing is counted then)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                wait = math.ceil(events[0] + self.window_s - now)
                minutes = round(self.window_s / 60)
                raise RateLimited(
                    f"You have reached the limit of {self.limit} {self.what} in {minutes} minutes on this shared "
                    f"deployment; try again in {wait // 60} min {wait % 60} s. Your text is kept."
                )
            events.append(now)

    def reset(self) -> None:
        with self._lock:
            self._events.clear()


# Generous for one person practising (an answer a minute), small for a script hammering the server.
GRADING = RateLimiter("answers graded", 30, 600)
DRAFTING = RateLimiter("drafting requests", 10, 3600)
