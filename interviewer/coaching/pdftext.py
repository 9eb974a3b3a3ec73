"""Text of an uploaded PDF, within limits: pages, characters, and time. No Streamlit here.

pypdf is pure Python, and a small PDF can hold content streams that take minutes of CPU to parse (a few
kilobytes that inflate to millions of drawing operators). So the pages are counted first, extraction stops as
soon as there is more text than a job description needs, and it all runs in a worker process that is
killed when the time limit passes: a thread could not be stopped. This module imports only pypdf, so the
worker starts quickly.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_PAGES = 20
MAX_CHARS = 60_000
TIME_LIMIT_S = 15.0


@dataclass
class Extracted:
    text: str = ""
    problem: str | None = None  # a sentence for the user when no text comes back


def extract(data: bytes, filename: str, max_pages: int = MAX_PAGES, max_chars: int = MAX_CHARS) -> Extracted:
    """The text of the PDF in `data`, page by page, stopping past `max_chars`. In this process, no time limit."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return Extracted(problem=f"{filename} is password-protected; save it without a password or paste the text")
        pages = len(reader.pages)
        if pages > max_pages:
            return Extracted(
                problem=f"{filename} has {pages} pages; a job description should have at most {max_pages}: "
                "upload only the posting, or paste its text"
            )
        parts, size = [], 0
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > max_chars:
                return Extracted(
                    problem=f"{filename} holds more than {max_chars:,} characters of text (stopped reading at page "
                    f"{number} of {pages}); upload only the job posting, or paste its text"
                )
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError, RecursionError) as exc:
        return Extracted(problem=f"{filename} is not a readable PDF ({type(exc).__name__})")
    return Extracted(text="\n".join(parts))


def extract_with_time_limit(
    data: bytes,
    filename: str,
    *,
    time_limit_s: float = TIME_LIMIT_S,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
) -> Extracted:
    """`extract` in a fresh Python process (`python -m interviewer.coaching.pdftext`), killed after
    `time_limit_s`. Not multiprocessing: its spawned child re-imports the parent's `__main__`, which inside a
    Streamlit server (or AppTest) is the page script, so the child would run a page instead of this module."""
    root = str(Path(__file__).resolve().parents[2])  # the folder that holds the `interviewer` package
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    command = [sys.executable, "-m", __name__, filename, str(max_pages), str(max_chars)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=time_limit_s, env=env, check=False)
    except subprocess.TimeoutExpired:  # subprocess.run kills the child before raising
        return Extracted(
            problem=f"{filename} took longer than {time_limit_s:g} s to read, so it was stopped; "
            "paste the job description as text instead"
        )
    try:
        return Extracted(**json.loads(done.stdout))
    except (ValueError, TypeError):  # the worker died (out of memory, killed) before it answered
        return Extracted(problem=f"{filename} could not be read (the PDF reader stopped)")


def _main(argv: list[str]) -> None:
    filename, max_pages, max_chars = argv[0], int(argv[1]), int(argv[2])
    try:
        extracted = extract(sys.stdin.buffer.read(), filename, max_pages, max_chars)
    except Exception as exc:  # anything pypdf did not expect: report it, never hang the parent
        extracted = Extracted(problem=f"{filename} is not a readable PDF ({type(exc).__name__})")
    sys.stdout.write(json.dumps(asdict(extracted)))


if __name__ == "__main__":
    _main(sys.argv[1:])
