"""Text of an uploaded PDF, within limits: pages, characters, and time. No Streamlit here.

pypdf is pure Python, and a small PDF can hold content streams that take minutes of CPU to parse (a few
kilobytes that inflate to millions of drawing operators). So the pages are counted first, extraction stops as
soon as there is more text than a job description needs, and it all runs in a worker process that is
killed when the time limit passes: a thread could not be stopped. This module imports only pypdf, so the
worker starts quickly.
"""

from __future__ import annotations

import io
import multiprocessing
from dataclasses import dataclass

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


def _worker(conn, data: bytes, filename: str, max_pages: int, max_chars: int) -> None:
    try:
        conn.send(extract(data, filename, max_pages, max_chars))
    except Exception as exc:  # anything pypdf did not expect: report it, never hang the parent
        conn.send(Extracted(problem=f"{filename} is not a readable PDF ({type(exc).__name__})"))
    finally:
        conn.close()


def extract_with_time_limit(
    data: bytes,
    filename: str,
    *,
    time_limit_s: float = TIME_LIMIT_S,
    max_pages: int = MAX_PAGES,
    max_chars: int = MAX_CHARS,
) -> Extracted:
    """`extract` in a fresh worker process, killed after `time_limit_s`."""
    ctx = multiprocessing.get_context("spawn")  # no threads or locks inherited from a Streamlit server
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(send, data, filename, max_pages, max_chars), daemon=True)
    worker.start()
    send.close()
    try:
        if receive.poll(time_limit_s):
            try:
                return receive.recv()
            except EOFError:  # the worker died (out of memory, killed)
                return Extracted(problem=f"{filename} could not be read (the PDF reader stopped)")
        return Extracted(
            problem=f"{filename} took longer than {time_limit_s:g} s to read, so it was stopped; "
            "paste the job description as text instead"
        )
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
