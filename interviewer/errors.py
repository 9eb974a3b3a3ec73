"""The one base class for errors whose message is meant for the user.

The CLI prints such an error as one line and exits 1; the UI shows it in a box. Any other exception is a bug:
it keeps its traceback for the log and the user sees a short generic message.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix or should know, in plain words, safe to show (never a key or a traceback)."""
