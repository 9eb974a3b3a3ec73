"""`interviewer pack ...`: list, validate, import, export, build and remove question packs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import load_settings
from ..content import packs
from .common import write_output


def _dir() -> Path:
    return load_settings().packs_path()


def cmd_list(args: argparse.Namespace) -> int:
    found = packs.list_packs(_dir())
    if args.json:
        print(json.dumps([s.model_dump() for s in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print(f"No packs installed in {_dir()}.", file=sys.stderr)
    for s in found:
        flag = f"  ({len(s.problems)} problem(s))" if s.problems else ""
        by = f" by {s.author}" if s.author else ""
        print(f"{s.name:24} v{s.version:<3} {s.questions:3} question(s)  {s.title or ''}{by}{flag}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise packs.PackError(f"no such file: {path}")
    problems = packs.validate(path, _dir())
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(f"ok: {path} is a valid pack", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    result = packs.import_pack(Path(args.file), _dir(), replace=args.replace)
    print(result.message, file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    write_output(packs.export_pack(args.name, _dir()), args.output)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    text = packs.build_pack(
        [Path(p) for p in args.paths],
        args.name,
        title=args.title,
        version=args.version,
        author=args.author,
        description=args.description,
    )
    write_output(text, args.output)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    for f in packs.remove_pack(args.name, _dir()):
        print(f"removed {f}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pack", help="question packs: list, validate, import, export, build, remove")
    pack_sub = p.add_subparsers(dest="pack_command", required=True)

    c = pack_sub.add_parser("list", help="installed packs")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_list)

    c = pack_sub.add_parser("validate", help="check a pack file against the bank and installed packs")
    c.add_argument("file")
    c.set_defaults(func=cmd_validate)

    c = pack_sub.add_parser("import", help="install a pack file; a broken pack installs nothing")
    c.add_argument("file")
    c.add_argument("--replace", action="store_true", help="replace an installed pack of the same name")
    c.set_defaults(func=cmd_import)

    c = pack_sub.add_parser("export", help="one YAML file of an installed pack, to share")
    c.add_argument("name")
    c.add_argument("--output", "-o", help="write to this file instead of stdout")
    c.set_defaults(func=cmd_export)

    c = pack_sub.add_parser("build", help="one pack file from a folder of question and rubric files")
    c.add_argument("paths", nargs="+", metavar="FOLDER", help="folders or files of questions and rubrics")
    c.add_argument("--name", required=True, help="the pack's name (a slug: lower case, digits, - and _)")
    c.add_argument("--title")
    c.add_argument("--version", type=int, default=1)
    c.add_argument("--author")
    c.add_argument("--description")
    c.add_argument("--output", "-o", help="write to this file instead of stdout")
    c.set_defaults(func=cmd_build)

    c = pack_sub.add_parser("remove", help="uninstall a pack")
    c.add_argument("name")
    c.set_defaults(func=cmd_remove)
