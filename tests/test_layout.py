"""Architecture rules that keep the core reusable: layers, no import cycles, no Streamlit below the UI.

docs/ARCHITECTURE.md describes the layers; these tests keep it true.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "interviewer"
# Lowest first. A module may import from a lower layer or from its own unit (its subpackage; a foundation
# module from the other foundation modules), never from a higher layer or a sibling unit of its own layer.
LAYERS = [
    {"errors", "config", "text", "spoken", "models", "llm_client", "plain", "redact"},
    {"content", "graders"},
    {"history"},
    {"coaching"},
    {"cli", "ui"},
    {"__main__"},
]
FOUNDATION = "foundation"


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node except those under `if TYPE_CHECKING:` (imports for annotations only never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        yield node
        yield from _runtime_nodes(node)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports, including imports inside functions."""
    mods = modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    # `from . import x` names a module when x is one; else the import is of `module` itself.
                    targets.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in mods else module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
        graph[name] = {t for t in targets if t in mods and t != name and t != "interviewer"}
    return graph


def unit_of(module: str) -> tuple[int, str]:
    top = module.split(".")[1] if "." in module else module
    for rank, layer in enumerate(LAYERS):
        if top in layer:
            return rank, (FOUNDATION if rank == 0 else top)
    raise AssertionError(f"{module}: not in any layer of tests/test_layout.py (and docs/ARCHITECTURE.md)")


def test_every_module_belongs_to_a_layer_and_every_arrow_points_down():
    wrong = []
    for module, targets in import_graph().items():
        if module == "interviewer":
            continue
        rank, unit = unit_of(module)
        for target in targets:
            t_rank, t_unit = unit_of(target)
            if t_unit != unit and t_rank >= rank:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles():
    graph = import_graph()
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_config_imports_nothing_from_the_package():
    assert import_graph()["interviewer.config"] == set()


def test_core_never_imports_streamlit():
    core = sorted(m for m in modules() if not m.startswith(("interviewer.ui", "interviewer.__main__")))
    assert len(core) > 35  # every core module, not a hand-kept list
    code = f"import sys\nfor m in {core!r}:\n    __import__(m)\nprint('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_no_code_outside_a_grader_checks_a_graders_name():
    """Graders say what they are (offline, needs_server, writes_follow_up); nobody else tests their names."""
    graders = {p.stem for p in (PACKAGE / "graders").glob("*.py")}
    names = re.compile(
        r"""(==|!=|\bin\b)\s*\(?\s*["'](keyword|semantic|llm)["']|["'](keyword|semantic|llm)["']\s*(==|!=)"""
    )
    found = []
    for name, path in modules().items():
        if name.startswith("interviewer.graders.") and name.rsplit(".", 1)[1] in graders:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if names.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_all_sql_lives_in_the_store():
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET|WHERE)\b|\.query\(|\.execute\(|rows_where\(")
    found = []
    for name, path in modules().items():
        if name.startswith("interviewer.history.store") or name == "interviewer.history.migrations":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if sql.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)
