"""Load and validate the question bank; every problem is reported as `path:line: field: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..models import GlossaryTerm, PackInfo, Question, QuizQuestion, Rubric

MAX_FILE_BYTES = 2_000_000
# YAML aliases (`*name`) reuse an anchored part of the document: convenient in a hand-written bank file, but
# each use is validated again, so a few kilobytes of nested aliases can expand to billions of entries ("billion
# laughs"). A pack, a file that comes from someone else, may use none; other files a few, and no file may
# expand past MAX_NODES. Every list is capped too. All is checked on the parser's events, before the document
# is constructed, in one pass over the text.
MAX_ALIASES = 20
MAX_PACK_ALIASES = 0
MAX_NODES = 200_000
MAX_LIST_ITEMS = 2_000
# libyaml's parser when PyYAML was built with it (about 10x faster); same safe constructors and marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_ROOT = Path(__file__).resolve().parents[2]  # the repository: questions/ and rubrics/
MIN_MISCONCEPTIONS = 3  # per rubric of the built-in bank


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field or '(top level)'}: {self.message}"


@dataclass
class Bank:
    questions: dict[str, Question] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    quiz: dict[str, QuizQuestion] = field(default_factory=dict)
    glossary: dict[str, GlossaryTerm] = field(default_factory=dict)  # by lower-case term
    problems: list[Problem] = field(default_factory=list)
    packs: dict[str, PackInfo] = field(default_factory=dict)  # by pack name
    pack_of: dict[str, str] = field(default_factory=dict)  # question id -> pack name; built-ins absent

    def pack(self, question_id: str) -> PackInfo | None:
        name = self.pack_of.get(question_id)
        return self.packs.get(name) if name else None

    def term(self, name: str) -> GlossaryTerm | None:
        """A glossary entry by its term or one of its aliases, any case."""
        key = name.strip().casefold()
        if key in self.glossary:
            return self.glossary[key]
        return next((t for t in self.glossary.values() if key in (a.casefold() for a in t.aliases)), None)

    def rubric_for(self, question: Question) -> Rubric:
        return self.rubrics[question.rubric]

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.questions.values()})

    @property
    def broken_files(self) -> list[str]:
        return sorted({p.path for p in self.problems})


class BankError(UserError):
    """Raised when a question or rubric asked for by id does not exist."""


@dataclass
class Item:
    """One top-level entry of a file, with the YAML node that gives line numbers."""

    data: Any
    node: yaml.Node
    path: str
    index: int
    section: str


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


SECTIONS = ("questions", "rubrics", "quiz", "glossary")


def load_file(path: Path) -> tuple[list[Item], list[Problem], PackInfo | None]:
    """Every entry of one file. A file may hold several sections (a pack holds its questions, rubrics,
    quiz and glossary in one file) and an optional `pack:` header."""
    shown = str(path)
    # The top-level keys say what a file holds; the folder name is the fallback for the error message.
    section = "rubrics" if "rubric" in path.parent.name else "questions"
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return [], [Problem(shown, 1, "file", f"larger than {MAX_FILE_BYTES} bytes")], None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(shown, 1, "file", f"cannot read: {exc}")], None
    items, problems, pack = _parse(shown, section, text)
    return list(items), list(problems), pack


@lru_cache(maxsize=256)
def _parse(shown: str, section: str, text: str) -> tuple[tuple[Item, ...], tuple[Problem, ...], PackInfo | None]:
    """One file's text, parsed and checked; the same text is parsed once per process (the app loads the bank
    on every page, and the bank's YAML takes most of the time)."""
    items, problems, pack = _parse_text(shown, section, text)
    return tuple(items), tuple(problems), pack


def _parse_text(shown: str, section: str, text: str) -> tuple[list[Item], list[Problem], PackInfo | None]:
    limits = check_limits(text, shown)
    if limits:
        return [], limits, None
    loader = LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return [], [Problem(shown, 1, section, "file is empty")], None
        dupes = list(_duplicate_keys(node, shown))
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        context = exc.context or ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            context += f" (line {exc.context_mark.line + 1})"
        msg = " ".join(str(part) for part in (context, exc.problem) if part)
        return [], [Problem(shown, line, "yaml", msg or "invalid YAML")], None
    except (yaml.YAMLError, RecursionError) as exc:
        return [], [Problem(shown, 1, "yaml", f"invalid YAML: {type(exc).__name__}")], None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        top = "top level must be a mapping with a 'questions' or 'rubrics' list"
        return [], [Problem(shown, _line(node), section, top)], None
    problems = dupes
    items: list[Item] = []
    pack: PackInfo | None = None
    found = False
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key == "pack":
            obj, pack_problems = validate_item(Item(data["pack"], value_node, shown, 0, "pack"), PackInfo)
            problems.extend(pack_problems)
            pack = obj if isinstance(obj, PackInfo) else None
        elif key in SECTIONS:
            found = True
            if not isinstance(value_node, yaml.SequenceNode):
                problems.append(Problem(shown, _line(value_node), key, "must be a list"))
                continue
            items += [
                Item(d, n, shown, i, key) for i, (d, n) in enumerate(zip(data[key], value_node.value, strict=True))
            ]
        else:
            expected = ", ".join(f"'{k}'" for k in ("pack", *SECTIONS))
            problems.append(
                Problem(shown, _line(key_node), key or "(empty key)", f"unknown top-level field (expected {expected})")
            )
    if not found:
        problems.append(Problem(shown, _line(node), section, "field required"))
    return items, problems, pack


@dataclass
class _Frame:
    """A collection being read in `check_limits`: its field path and where its next child goes."""

    field: str
    mapping: bool
    line: int
    anchor: str | None
    start: int  # the expanded-node count when it began
    items: int = 0  # list items, or mapping values
    key: str | None = None  # a mapping's last key: the name of the value that follows
    expecting_key: bool = True

    def child_field(self) -> str:
        if not self.mapping:
            return f"{self.field}[{self.items}]"
        name = "(key)" if self.expecting_key else str(self.key)
        return f"{self.field}.{name}" if self.field else name

    def add_child(self, scalar: str | None = None) -> None:
        if self.mapping and self.expecting_key:
            self.key = scalar if scalar is not None else "(complex key)"
        else:
            self.items += 1
        if self.mapping:
            self.expecting_key = not self.expecting_key


def check_limits(text: str, shown: str) -> list[Problem]:
    """Aliases, expansion and list lengths from the parser's events alone (nothing is composed or constructed),
    so a hostile file costs one linear pass. A file with a top-level `pack:` key is a pack: no aliases at all."""
    stack: list[_Frame] = []
    anchors: dict[str, int] = {}  # anchor -> expanded size of its node
    aliases: list[tuple[int, str, str]] = []  # (line, field, anchor)
    is_pack, expanded = False, 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            line = event.start_mark.line + 1 if event.start_mark else 1
            top = stack[-1] if stack else None
            field = top.child_field() if top else ""
            if isinstance(event, yaml.ScalarEvent):
                if top:
                    is_pack |= len(stack) == 1 and top.mapping and top.expecting_key and event.value == "pack"
                    top.add_child(event.value)
                if event.anchor:
                    anchors[event.anchor] = 1
                expanded += 1
            elif isinstance(event, yaml.AliasEvent):
                if any(f.anchor == event.anchor for f in stack):
                    return [Problem(shown, line, field or "yaml", f"the alias *{event.anchor} contains itself")]
                if top:
                    top.add_child()
                aliases.append((line, field, event.anchor))
                if len(aliases) > (MAX_PACK_ALIASES if is_pack else MAX_ALIASES):
                    return [_alias_problem(shown, aliases, is_pack)]
                expanded += anchors.get(event.anchor, 1)
            elif isinstance(event, yaml.CollectionStartEvent):
                if top:
                    top.add_child()
                stack.append(_Frame(field, isinstance(event, yaml.MappingStartEvent), line, event.anchor, expanded))
                expanded += 1
            elif isinstance(event, yaml.CollectionEndEvent) and stack:
                frame = stack.pop()
                if not frame.mapping and frame.items > MAX_LIST_ITEMS:
                    return [Problem(shown, frame.line, frame.field or "yaml", f"more than {MAX_LIST_ITEMS:,} items")]
                if frame.anchor:
                    anchors[frame.anchor] = expanded - frame.start
            if expanded > MAX_NODES:
                return [Problem(shown, line, field or "yaml", f"expands to more than {MAX_NODES:,} entries")]
    except (yaml.YAMLError, RecursionError):
        return []  # the full load reports the syntax error at its line
    if len(aliases) > (MAX_PACK_ALIASES if is_pack else MAX_ALIASES):  # a `pack:` header after the aliases
        return [_alias_problem(shown, aliases, is_pack)]
    return []


def _alias_problem(shown: str, aliases: list[tuple[int, str, str]], is_pack: bool) -> Problem:
    line, field, anchor = aliases[MAX_PACK_ALIASES if is_pack else MAX_ALIASES]
    what = "a pack may not use YAML aliases" if is_pack else f"more than {MAX_ALIASES} YAML aliases"
    return Problem(shown, line, field or "yaml", f"{what} (*{anchor}); write the value out")


def _duplicate_keys(node: yaml.Node, path: str) -> Iterable[Problem]:
    # PyYAML keeps the last of two equal keys silently; an author wants to know.
    stack, seen_nodes = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:  # aliases share nodes (and may even loop)
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = str(key_node.value)
                if key in seen:
                    yield Problem(path, _line(key_node), key, "duplicate key")
                seen.add(key)
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _node_at(node: yaml.Node, loc: tuple[Any, ...]) -> tuple[yaml.Node, bool]:
    """Follow a pydantic error location through the YAML tree; True if the key itself was found."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == str(part):
                    node = value_node
                    break
            else:
                return node, False
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node, False
    return node, True


def _key_line(node: yaml.Node, key: Any) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if str(key_node.value) == str(key):
                return _line(key_node)
    return None


def _field_name(section: str, index: int, loc: tuple[Any, ...]) -> str:
    out = section if section == "pack" else f"{section}[{index}]"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_item(item: Item, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(item.data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            # Drop pydantic's internal tags (e.g. 'function-after[...]') from the location.
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            node, found = _node_at(item.node, loc)
            line = _line(node)
            if found and err["type"] == "extra_forbidden" and loc:
                parent, _ = _node_at(item.node, loc[:-1])
                line = _key_line(parent, loc[-1]) or line
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(Problem(item.path, line, _field_name(item.section, item.index, loc), message))
        return None, problems


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file()))
        elif p.exists():
            files.append(p)
    return files


def load_bank(root: Path | None = None, extra_paths: Iterable[Path] = (), packs: Path | None = None) -> Bank:
    """Load `root/questions` and `root/rubrics` (plus any extra files or folders, such as the user's packs).

    A file's sections (`questions:`, `rubrics:`, ...) say what it holds, so extra
    paths may mix them. Invalid entries are left out and reported; valid ones load.
    """
    root = root or DEFAULT_ROOT
    return load_paths([root / "questions", root / "rubrics", *extra_paths, *([packs] if packs else [])])


MODELS: dict[str, type[BaseModel]] = {
    "questions": Question,
    "rubrics": Rubric,
    "quiz": QuizQuestion,
    "glossary": GlossaryTerm,
}


LABELS = {"rubrics": "rubric id", "quiz": "quiz id", "glossary": "glossary term"}


def _key(obj: BaseModel) -> str:
    return obj.term.casefold() if isinstance(obj, GlossaryTerm) else obj.id


def load_paths(paths: Iterable[Path]) -> Bank:
    bank = Bank()
    question_items: list[tuple[Question | None, Item, str | None, set[str]]] = []
    glossary_items: list[tuple[GlossaryTerm, Item]] = []
    quiz_items: list[tuple[QuizQuestion, Item]] = []
    seen_at: dict[tuple[str, str], str] = {}
    for path in yaml_files(paths):
        items, problems, pack = load_file(path)
        bank.problems.extend(problems)
        pack_name = _add_pack(bank, pack, path)
        for item in items:
            obj, problems = validate_item(item, MODELS[item.section])
            bank.problems.extend(problems)
            if item.section == "questions":
                # Checked once every rubric is known; an invalid question too, so its missing rubric or
                # clashing id is reported in the same round as its schema problems, not after they are fixed.
                question_items.append((obj, item, pack_name, {p.field for p in problems}))
                continue
            if obj is None:
                continue
            if isinstance(obj, Rubric) and _built_in(path):
                bank.problems.extend(_check_depth(obj, item))
            collection = getattr(bank, item.section)
            key, field_name = _key(obj), "term" if isinstance(obj, GlossaryTerm) else "id"
            if key in collection:
                bank.problems.append(
                    Problem(
                        item.path,
                        _id_line(item, field_name),
                        f"{item.section}[{item.index}].{field_name}",
                        f"duplicate {LABELS[item.section]} {key!r} (first defined at {seen_at[item.section, key]})",
                    )
                )
                continue
            collection[key] = obj
            seen_at[item.section, key] = f"{item.path}:{_line(item.node)}"
            if isinstance(obj, GlossaryTerm):
                glossary_items.append((obj, item))
            elif isinstance(obj, QuizQuestion):
                quiz_items.append((obj, item))
    bank.problems.extend(_check_links(bank, glossary_items, quiz_items))
    question_lines: dict[str, str] = {}
    for question, item, pack_name, broken in question_items:
        problems = _check_question(question, item, bank, question_lines, broken)
        bank.problems.extend(problems)
        if question is not None and not problems:
            bank.questions[question.id] = question
            question_lines[question.id] = f"{item.path}:{_line(item.node)}"
            if pack_name:
                bank.pack_of[question.id] = pack_name
    return bank


def _built_in(path: Path) -> bool:
    return path.resolve().is_relative_to(DEFAULT_ROOT / "rubrics")


def _check_depth(rubric: Rubric, item: Item) -> list[Problem]:
    """The built-in bank's rubrics tell right from wrong: each names the misconceptions candidates hold, and
    each must-have point says what shows its why or how. (Packs may leave both out; graders then only look
    for the words of each point.)"""
    problems = []
    found = sum(len(c.misconceptions) for c in rubric.criteria)
    if found < MIN_MISCONCEPTIONS:
        problems.append(
            Problem(
                item.path,
                _id_line(item),
                f"rubrics[{item.index}].criteria[*].misconceptions",
                f"name at least {MIN_MISCONCEPTIONS} misconceptions candidates hold (found {found})",
            )
        )
    for i, criterion in enumerate(rubric.criteria):
        for k, point in enumerate(criterion.must_have):
            if not point.why:
                node, _ = _node_at(item.node, ("criteria", i, "must_have", k))
                field_name = f"rubrics[{item.index}].criteria[{i}].must_have[{k}].why"
                problems.append(
                    Problem(item.path, _line(node), field_name, "say what shows the why or how of this point")
                )
    return problems


def _add_pack(bank: Bank, pack: PackInfo | None, path: Path) -> str | None:
    if pack is None:
        return None
    if pack.name in bank.packs:
        bank.problems.append(Problem(str(path), 1, "pack.name", f"another pack is already named {pack.name!r}"))
        return None
    bank.packs[pack.name] = pack
    return pack.name


def _check_links(bank: Bank, glossary: list, quiz: list) -> list[Problem]:
    """Related terms and quiz terms must name glossary entries (by term or alias)."""
    problems = []
    for obj, item, attr in [*((t, i, "related") for t, i in glossary), *((q, i, "terms") for q, i in quiz)]:
        for n, name in enumerate(getattr(obj, attr)):
            if bank.term(name) is None:
                node, _ = _node_at(item.node, (attr, n))
                problems.append(
                    Problem(
                        item.path,
                        _line(node),
                        f"{item.section}[{item.index}].{attr}[{n}]",
                        f"no glossary entry {name!r}",
                    )
                )
    return problems


def _id_line(item: Item, key: str = "id") -> int:
    return _key_line(item.node, key) or _line(item.node)


def _check_question(
    question: Question | None, item: Item, bank: Bank, seen: dict[str, str], broken: set[str]
) -> list[Problem]:
    """A question's id clash and references (rubric, follow-up criteria). For a question that failed
    validation (`question` is None) the raw fields are checked, except those already reported in `broken`."""
    prefix = f"questions[{item.index}]"
    data = question.model_dump() if question else item.data if isinstance(item.data, dict) else {}

    def usable(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) and f"{prefix}.{name}" not in broken else None

    problems = []
    qid = usable("id")
    if qid in seen:
        problems.append(
            Problem(
                item.path,
                _id_line(item),
                f"{prefix}.id",
                f"duplicate question id {qid!r} (first defined at {seen[qid]})",
            )
        )
    rubric_id = usable("rubric")
    if rubric_id is None:
        return problems
    rubric = bank.rubrics.get(rubric_id)
    if rubric is None:
        problems.append(
            Problem(item.path, _id_line(item, "rubric"), f"{prefix}.rubric", f"rubric {rubric_id!r} does not exist")
        )
        return problems
    ids = {c.id for c in rubric.criteria}
    probes = data.get("follow_ups")
    for i, probe in enumerate(probes if isinstance(probes, list) else []):
        field_name = f"{prefix}.follow_ups[{i}].criterion"
        criterion = probe.get("criterion") if isinstance(probe, dict) else None
        if isinstance(criterion, str) and criterion not in ids and field_name not in broken:
            node, _ = _node_at(item.node, ("follow_ups", i, "criterion"))
            problems.append(
                Problem(item.path, _line(node), field_name, f"rubric {rubric.id!r} has no criterion {criterion!r}")
            )
    return problems
