"""What the command modules share: settings, the bank, the profile's history, JSON output, reading input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..config import Settings, load_settings
from ..content.bank import Bank, load_bank
from ..errors import UserError
from ..history.store import ProfileStore, Store
from ..models import Grade


class CliError(UserError):
    """One clear line for the user; exit status 1."""


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def grade_json(grade: Grade) -> dict[str, Any]:
    """The stable Grade JSON contract (README, "Command line"); keys are only ever added."""
    return grade.model_dump(mode="json", exclude={"provenance"}) | {
        "provenance": grade.provenance.model_dump(mode="json", exclude={"raw_output"}),
    }


def bank() -> Bank:
    """The built-in bank and the user's packs."""
    return load_bank(packs=load_settings().packs_path())


def history(args: argparse.Namespace, settings: Settings | None = None) -> ProfileStore:
    """The history of `--profile`, else of the configured profile."""
    settings = settings or load_settings()
    return Store.open(settings.db_path).for_profile(getattr(args, "profile", None) or settings.profile)


MAX_INPUT_BYTES = 1_000_000  # far above any answer or model answer (answers stop at 20,000 characters)


def decode(data: bytes, what: str) -> str:
    """UTF-8 text from bytes a user gave (a file, standard input), or one clear line saying what is wrong."""
    if len(data) > MAX_INPUT_BYTES:
        raise CliError(f"{what} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; an answer is plain text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{what} is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8 plain text"
        ) from None


def read_text(path: str, what: str) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise CliError(f"cannot read {what} {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return decode(data, f"{what} {path}")


def read_stdin(what: str) -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes underneath (tests, embedding)
        try:
            return sys.stdin.read(MAX_INPUT_BYTES + 1)
        except UnicodeDecodeError:
            raise CliError(f"{what} is not UTF-8 text; pipe in UTF-8 plain text") from None
    return decode(stream.read(MAX_INPUT_BYTES + 1), what)


def write_output(text: str, output: str | None) -> None:
    """To a file when `--output` is given, else to stdout."""
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
