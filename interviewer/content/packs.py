"""Question packs: a user's or instructor's own questions and rubrics, one YAML file each, kept in the
packs folder beside the built-in bank. List, validate, import, export, build and remove them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel

from ..models import GlossaryTerm, PackInfo, Question, QuizQuestion, Rubric
from . import bank as bank_mod
from .bank import MAX_FILE_BYTES, MODELS, Problem


class PackError(bank_mod.BankError):
    """A pack cannot be imported, exported, built or removed. The message names the file (and line).
    A BankError, so the CLI prints it as one line without a traceback."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()):
        self.problems = list(problems)
        super().__init__(message)


class PackSummary(BaseModel):
    name: str
    title: str | None = None
    version: int = 1
    author: str | None = None
    description: str | None = None
    file: str
    questions: int = 0
    problems: list[str] = []


class ImportResult(BaseModel):
    name: str
    version: int
    file: str
    questions: int
    replaced_version: int | None = None  # set when an installed pack of the same name was replaced

    @property
    def message(self) -> str:
        what = f"pack {self.name!r} v{self.version} ({self.questions} question(s))"
        if self.replaced_version is not None:
            return f"replaced {what}; the installed version was v{self.replaced_version}"
        return f"installed {what} as {self.file}"


class PackContent(BaseModel):
    """Everything one pack file holds, in the order it is written."""

    pack: PackInfo
    rubrics: list[Rubric] = []
    questions: list[Question] = []
    quiz: list[QuizQuestion] = []
    glossary: list[GlossaryTerm] = []


def _pack_files(packs_dir: Path) -> list[Path]:
    return bank_mod.yaml_files([packs_dir]) if packs_dir.is_dir() else []


def _header(path: Path) -> tuple[PackInfo | None, list[bank_mod.Item], list[Problem]]:
    items, problems, info = bank_mod.load_file(path)
    return info, items, problems


def list_packs(packs_dir: Path, root: Path | None = None) -> list[PackSummary]:
    """Every file in the packs folder, with the problems the bank loader finds in it."""
    loaded = bank_mod.load_bank(root, packs=packs_dir)
    by_file: dict[str, list[str]] = {}
    for p in loaded.problems:
        by_file.setdefault(p.path, []).append(str(p))
    out = []
    for path in _pack_files(packs_dir):
        info, items, _ = _header(path)
        problems = by_file.get(str(path), [])
        if info is None and not problems:
            problems = [str(_no_header(path))]
        ids = {i.data.get("id") for i in items if i.section == "questions" and isinstance(i.data, dict)}
        count = sum(1 for qid in ids if info and loaded.pack_of.get(qid) == info.name)
        header = info.model_dump() if info else {"name": path.stem}
        out.append(PackSummary(**header, file=str(path), questions=count, problems=problems))
    return sorted(out, key=lambda s: s.name)


def _no_header(path: Path, shown: str | None = None) -> Problem:
    return Problem(shown or str(path), 1, "pack", "no 'pack:' header (a pack needs at least a name)")


def validate(file: Path, packs_dir: Path, root: Path | None = None, shown: str | None = None) -> list[Problem]:
    """Problems of one pack file, checked against the built-in bank and the other installed packs (an
    installed pack of the same name is left out: importing would replace it)."""
    shown = shown or str(file)
    info, _, _ = _header(file)
    others = []
    for path in _pack_files(packs_dir):
        other, _, _ = _header(path)
        if path.resolve() != file.resolve() and not (info and other and other.name == info.name):
            others.append(path)
    root = root or bank_mod.DEFAULT_ROOT
    loaded = bank_mod.load_paths([root / "questions", root / "rubrics", *others, file])  # the file last
    problems = [_rename(p, file, shown) for p in loaded.problems if p.path == str(file)]
    unreadable = any(p.field in ("yaml", "file") or p.field.startswith("pack") for p in problems)
    if info is None and not unreadable:
        problems.insert(0, _no_header(file, shown))
    return problems


def _rename(problem: Problem, file: Path, shown: str) -> Problem:
    return Problem(shown, problem.line, problem.field, problem.message) if problem.path == str(file) else problem


def _broken(problems: list[Problem], shown: str) -> PackError:
    lines = "\n".join(str(p) for p in problems)
    return PackError(f"{shown} has {len(problems)} problem(s); nothing was installed:\n{lines}", problems)


def import_pack(
    file: Path, packs_dir: Path, replace: bool = False, root: Path | None = None, shown: str | None = None
) -> ImportResult:
    """Install a pack file as `<packs_dir>/<name>.yaml`. A broken pack, or a name already installed
    without `replace`, installs nothing."""
    shown = shown or str(file)
    _check_size(file, shown)
    problems = validate(file, packs_dir, root, shown)
    if problems:
        raise _broken(problems, shown)
    info, items, _ = _header(file)
    assert info is not None  # validate() reports a missing header
    installed = [s for s in list_packs(packs_dir, root) if s.name == info.name]
    if installed and not replace:
        old = installed[0]
        raise PackError(
            f"a pack named {info.name!r} is already installed (v{old.version}, {old.file}); "
            f"import with replace (--replace) to install v{info.version} in its place"
        )
    target = packs_dir / f"{info.name}.yaml"
    write_atomic(target, file.read_bytes())
    for old in installed:  # an older copy under another file name would clash with the new one
        if Path(old.file).resolve() != target.resolve():
            Path(old.file).unlink(missing_ok=True)
    return ImportResult(
        name=info.name,
        version=info.version,
        file=str(target),
        questions=sum(1 for i in items if i.section == "questions"),
        replaced_version=installed[0].version if installed else None,
    )


class PackCheck(BaseModel):
    """What an uploaded file would install: its header, its problems, and the version it would replace."""

    filename: str
    pack: PackInfo | None = None
    questions: int = 0
    problems: list[str] = []
    installed_version: int | None = None


def upload_name(filename: str) -> str:
    """The base name of an uploaded file, or a PackError for a name that is no file name ('..', a NUL)."""
    shown = Path(str(filename).replace("\\", "/")).name
    if "\x00" in str(filename) or shown in ("", ".", "..") or any(ord(ch) < 32 for ch in shown):
        raise PackError(f"{filename!r} is not a usable file name; rename the file (for example to pack.yaml)")
    return shown


def _uploaded(data: bytes, filename: str, tmp: str) -> tuple[Path, str]:
    shown = upload_name(filename)
    path = Path(tmp) / shown
    path.write_bytes(data)
    return path, shown


def check_upload(data: bytes, filename: str, packs_dir: Path) -> PackCheck:
    """Validate an uploaded pack without installing it; problems name the upload, not a temp path."""
    try:
        upload_name(filename)
    except PackError as exc:
        return PackCheck(filename="upload", problems=[str(exc)])
    with tempfile.TemporaryDirectory() as tmp:
        path, shown = _uploaded(data, filename, tmp)
        if len(data) > MAX_FILE_BYTES:
            return PackCheck(filename=shown, problems=[f"{shown}:1: file: larger than {MAX_FILE_BYTES} bytes"])
        problems = validate(path, packs_dir, shown=shown)
        info, items, _ = _header(path)
    installed = [s.version for s in list_packs(packs_dir) if info and s.name == info.name]
    return PackCheck(
        filename=shown,
        pack=info,
        questions=sum(1 for i in items if i.section == "questions"),
        problems=[str(p) for p in problems],
        installed_version=installed[0] if installed else None,
    )


def import_upload(data: bytes, filename: str, packs_dir: Path, replace: bool = False) -> ImportResult:
    with tempfile.TemporaryDirectory() as tmp:
        path, shown = _uploaded(data, filename, tmp)
        return import_pack(path, packs_dir, replace=replace, shown=shown)


def _check_size(file: Path, shown: str) -> None:
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise PackError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise PackError(f"{shown}:1: file: larger than {MAX_FILE_BYTES} bytes")


def write_atomic(target: Path, data: bytes) -> None:
    # The temp file's suffix is not .yaml, so a bank loaded meanwhile never sees a half-written pack.
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _find(name: str, packs_dir: Path, *, below: bool = False) -> list[Path]:
    """The installed packs named `name`: files directly in the packs folder (in folders below it too with
    `below`, for export only) whose `pack:` header says that name. A file without a header is not a pack,
    whatever its file name."""
    if not packs_dir.is_dir():
        return []
    found = []
    for path in _pack_files(packs_dir) if below else sorted(packs_dir.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        info = _header(path)[0]
        if info is not None and info.name == name:
            found.append(path)
    return found


def read_pack(file: Path) -> PackContent:
    """The models of one pack file, in file order. Broken entries raise a PackError."""
    info, items, problems = _header(file)
    content: dict[str, list] = {section: [] for section in bank_mod.SECTIONS}
    for item in items:
        obj, item_problems = bank_mod.validate_item(item, MODELS[item.section])
        problems += item_problems
        content[item.section].append(obj)
    if problems:
        raise _broken(problems, str(file))
    if info is None:
        raise PackError(str(_no_header(file)))
    return PackContent(pack=info, **content)


class _Dumper(yaml.SafeDumper):
    """Reads like the hand-written bank: keyword groups on one line, whole numbers without `.0`."""


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, str) and len(x) < 60 for x in data) and sum(map(len, data)) < 90
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _float(dumper: yaml.SafeDumper, data: float) -> yaml.Node:
    return dumper.represent_int(int(data)) if data.is_integer() else dumper.represent_float(data)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(float, _float)


def dumps(content: PackContent) -> str:
    """One YAML text; loading it back gives the same models."""
    data: dict = {"pack": content.pack.model_dump(exclude_none=True)}
    for section in ("rubrics", "questions", "quiz", "glossary"):
        objs = getattr(content, section)
        if objs:
            data[section] = [o.model_dump(exclude_defaults=True) for o in objs]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def export_pack(name: str, packs_dir: Path) -> str:
    files = _find(name, packs_dir, below=True)
    if not files:
        raise PackError(f"no pack named {name!r} in {packs_dir}")
    return dumps(read_pack(files[0]))


def build_pack(
    paths: Iterable[Path],
    name: str,
    title: str | None = None,
    version: int = 1,
    author: str | None = None,
    description: str | None = None,
    root: Path | None = None,
) -> str:
    """One pack file from ordinary question and rubric files (a folder or files), for instructors.
    Questions may use the built-in rubrics; ids that clash with built-in ones are errors."""
    paths = list(paths)
    for p in paths:
        if not p.exists():
            raise PackError(f"no such file or folder: {p}")
    root = root or bank_mod.DEFAULT_ROOT
    files = bank_mod.yaml_files(paths)
    builtin = bank_mod.load_bank(root)
    loaded = bank_mod.load_paths([root / "questions", root / "rubrics", *files])
    problems = [p for p in loaded.problems if p.path in {str(f) for f in files}]
    if problems:
        raise PackError(
            f"{len(problems)} problem(s); no pack was built:\n" + "\n".join(str(p) for p in problems), problems
        )
    try:
        info = PackInfo(name=name, title=title, version=version, author=author, description=description)
    except ValueError as exc:
        raise PackError(f"pack header: {exc}") from None

    def own(section: str) -> list:
        return [v for k, v in getattr(loaded, section).items() if k not in getattr(builtin, section)]

    content = PackContent(
        pack=info, rubrics=own("rubrics"), questions=own("questions"), quiz=own("quiz"), glossary=own("glossary")
    )
    if not content.questions:
        raise PackError(f"no questions found in {', '.join(str(p) for p in paths)}")
    return dumps(content)


def remove_pack(name: str, packs_dir: Path) -> list[Path]:
    """Delete the installed pack files named `name` (by their header), directly in the packs folder only."""
    files = _find(name, packs_dir)
    if not files:
        raise PackError(f"no pack named {name!r} in {packs_dir}")
    for f in files:
        f.unlink()
    return files
