"""The package's structure, checked on its source with ``ast``:

- it uses only the public API of Flask and Werkzeug, so that it keeps working
  across their releases (Flask 3.2 removes ``flask.globals._cv_request``);
- no function imports one of the package's own modules, which hides an
  import cycle instead of removing it;
- the module-level imports among its modules have no cycle.

Each check is a pure function over a module's name and source, so that the last
tests can show that each one reports a known offender.
"""

from __future__ import annotations

import ast
import typing as t
from pathlib import Path

PACKAGE = "flask_respkit"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

#: The frameworks whose private API the package must not use.
FRAMEWORKS = ("flask", "werkzeug")
#: Private or deprecated names of Flask and Werkzeug, refused whatever they are
#: read from (a name, an attribute of any object, or a string for ``getattr``).
FORBIDDEN = frozenset(
    {
        "_cv_app",
        "_cv_request",
        "request_ctx",
        "_find_error_handler",
        "_got_registered_once",
        "_blueprints",
        "make_setup_state",
        "_request_ctx_stack",
        "_app_ctx_stack",
    }
)
#: Underscore names that are public API all the same.
ALLOWED = frozenset({"_get_current_object"})


class Module(t.NamedTuple):
    name: str
    source: str
    is_package: bool = False


def package_modules(root: Path = PACKAGE_DIR, package: str = PACKAGE) -> list[Module]:
    """Every module of the package, with its dotted name and source."""
    modules = []
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules.append(Module(".".join(parts), path.read_text("utf-8"), is_package))
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    """Whether an ``if`` tests ``TYPE_CHECKING`` (bare, ``t.`` or ``typing.``)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _walk(
    node: ast.AST, *, in_function: bool = False, type_checking: bool = False
) -> t.Iterator[tuple[ast.AST, bool, bool]]:
    """Every node below ``node``, with whether it is inside a function body and
    whether it is only run by type checkers (``if TYPE_CHECKING:``)."""
    for child in ast.iter_child_nodes(node):
        yield child, in_function, type_checking
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            yield child.test, in_function, type_checking
            for stmt in child.body:
                yield stmt, in_function, True
                yield from _walk(stmt, in_function=in_function, type_checking=True)
            for stmt in child.orelse:
                yield stmt, in_function, type_checking
                yield from _walk(
                    stmt, in_function=in_function, type_checking=type_checking
                )
        else:
            inside = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            yield from _walk(child, in_function=inside, type_checking=type_checking)


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    parts = module.name.split(".")
    if not module.is_package:
        parts.pop()
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _is_framework(name: str) -> bool:
    return name.split(".")[0] in FRAMEWORKS


def _private_part(dotted: str) -> str | None:
    return next((p for p in dotted.split(".") if p.startswith("_")), None)


def private_api_uses(name: str, source: str, *, is_package: bool = False) -> list[str]:
    """Where a module uses private or deprecated API of Flask or Werkzeug.

    Reports an import of an underscore name from ``flask``/``werkzeug``, an
    import from one of their modules whose name starts with ``_``, an underscore
    attribute of a name imported from them, and any use of a :data:`FORBIDDEN`
    name. ``_get_current_object`` is public API. Type-only imports count too.
    """
    module = Module(name, source, is_package)
    tree = ast.parse(source, filename=name)
    found: list[str] = []
    #: Local names bound to something imported from Flask or Werkzeug.
    framework_names: dict[str, str] = {}

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', '?')}: {what}")

    for node, _, _ in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_framework(alias.name):
                    continue
                if _private_part(alias.name):
                    report(node, f"imports the private module {alias.name}")
                local = alias.asname or alias.name.split(".")[0]
                framework_names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(module, node)
            if not _is_framework(source_module):
                continue
            if _private_part(source_module):
                names = ", ".join(a.name for a in node.names)
                report(node, f"imports {names} from the private module {source_module}")
            for alias in node.names:
                if alias.name in FORBIDDEN or (
                    alias.name.startswith("_") and alias.name not in ALLOWED
                ):
                    report(node, f"imports {alias.name} from {source_module}")
                framework_names[alias.asname or alias.name] = (
                    f"{source_module}.{alias.name}"
                )
    for node, _, _ in _walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN:
                report(node, f"uses .{node.attr}")
            elif (
                node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in ALLOWED
                and isinstance(node.value, ast.Name)
                and node.value.id in framework_names
            ):
                origin = framework_names[node.value.id]
                report(node, f"uses {node.value.id}.{node.attr} (from {origin})")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN:
            report(node, f"uses the name {node.id}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in FORBIDDEN
        ):
            report(node, f"uses the string {node.value!r}")
    return sorted(set(found), key=_line_order)


def _line_order(finding: str) -> tuple[int, str]:
    line = finding.split(":")[1]
    return (int(line) if line.isdigit() else 0, finding)


def _own_targets(module: Module, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The package modules (or names in them) an import statement reads."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == PACKAGE]
    base = _absolute(module, node)
    if node.level == 0 and base.split(".")[0] != PACKAGE:
        return []
    return [f"{base}.{a.name}" if a.name != "*" else base for a in node.names]


def function_level_imports(
    name: str, source: str, *, is_package: bool = False
) -> list[str]:
    """Where a function imports one of the package's own modules (an absolute
    ``flask_respkit`` import or any relative one), outside ``if TYPE_CHECKING``."""
    module = Module(name, source, is_package)
    found = []
    for node, in_function, type_checking in _walk(ast.parse(source, filename=name)):
        if not in_function or type_checking:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom) and node.level:
                what = "." * node.level + (node.module or "")
            elif _own_targets(module, node):
                what = ", ".join(_own_targets(module, node))
            else:
                continue
            found.append(f"{name}:{node.lineno}: imports {what} inside a function")
    return found


def import_graph(modules: t.Iterable[Module]) -> dict[str, dict[str, int]]:
    """The package's module-level imports: module -> imported module -> line.

    Imports inside functions, and those under ``if TYPE_CHECKING``, do not run
    when the module is imported, so they are left out; so are the imports of
    a package's ``__init__`` (re-exporting its modules' names).
    ``from package import name`` counts as importing the module
    ``package.name`` when there is one, else ``package``.
    """
    modules = list(modules)
    known = {m.name for m in modules}
    graph: dict[str, dict[str, int]] = {m.name: {} for m in modules}
    for module in modules:
        if module.is_package:
            continue
        tree = ast.parse(module.source, filename=module.name)
        for node, in_function, type_checking in _walk(tree):
            if in_function or type_checking:
                continue
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _own_targets(module, node):
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != module.name:
                    graph[module.name].setdefault(target, node.lineno)
    return graph


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import cycles: each strongly connected component of more than one
    module, as the list of its modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def describe_cycles(graph: dict[str, dict[str, int]]) -> list[str]:
    """One finding per import of a module in a cycle from another in it."""
    found = []
    for component in import_cycles(graph):
        members = set(component)
        found.append("cycle among " + ", ".join(component) + ":")
        for source in component:
            for target, line in sorted(graph[source].items()):
                if target in members:
                    found.append(f"  {source}:{line}: imports {target}")
    return found


def _message(check: str, findings: list[str]) -> str:
    return f"{len(findings)} {check}:\n" + "\n".join(findings)


# -- the package


def test_the_package_is_found() -> None:
    names = {m.name for m in package_modules()}
    assert {PACKAGE, f"{PACKAGE}.core", f"{PACKAGE}.export"} <= names, names


def test_only_public_flask_and_werkzeug_api() -> None:
    findings = [
        finding
        for module in package_modules()
        for finding in private_api_uses(
            module.name, module.source, is_package=module.is_package
        )
    ]
    assert not findings, _message("uses of private Flask/Werkzeug API", findings)


def test_no_function_imports_one_of_the_packages_modules() -> None:
    findings = [
        finding
        for module in package_modules()
        for finding in function_level_imports(
            module.name, module.source, is_package=module.is_package
        )
    ]
    assert not findings, _message("function-level imports", findings)


def test_no_import_cycle_among_the_packages_modules() -> None:
    findings = describe_cycles(import_graph(package_modules()))
    assert not findings, _message("lines on import cycles", findings)


# -- the checks catch what they are for


def test_private_api_check_reports_each_kind_of_use() -> None:
    source = """\
import typing as t
import flask
import werkzeug._internal
from flask import current_app, request
from flask.globals import _cv_request
from flask.globals import request_ctx as rc
from werkzeug._internal import _plain_int
from werkzeug.http import _unquote

if t.TYPE_CHECKING:
    from flask.ctx import _AppCtxGlobals


def f(app, bp):
    current_app._get_current_object()
    request._cached_json
    flask.globals._cv_app.get()
    app._got_registered_once
    bp.make_setup_state(app, {})
    getattr(app, "_find_error_handler")
    return _request_ctx_stack
"""
    findings = private_api_uses("flask_respkit.example", source)
    lines = sorted({int(f.split(":")[1]) for f in findings})
    assert lines == [3, 5, 6, 7, 8, 11, 16, 17, 18, 19, 20, 21], findings
    assert any("_cv_request" in f for f in findings)
    assert not any("_get_current_object" in f for f in findings)


def test_private_api_check_passes_public_use() -> None:
    source = """\
from flask import Flask, current_app, request, stream_with_context
from werkzeug.datastructures import Headers

def f():
    return current_app._get_current_object(), request.method, Headers()
"""
    assert private_api_uses("flask_respkit.example", source) == []


def test_function_level_import_check_reports_relative_and_absolute() -> None:
    source = """\
import typing as t
from . import core

def f():
    from . import core
    import json
    return core

class C:
    def m(self):
        import flask_respkit.extension
        from flask_respkit import links
        if t.TYPE_CHECKING:
            from .auth import Challenge
        from flask import request
"""
    findings = function_level_imports("flask_respkit.example", source)
    assert [int(f.split(":")[1]) for f in findings] == [5, 11, 12], findings


def test_import_cycle_check_follows_module_level_imports_only() -> None:
    modules = [
        Module("flask_respkit", "from .a import x\nfrom .b import y\n", True),
        Module("flask_respkit.a", "from . import b\n"),
        Module("flask_respkit.b", "from .c import z\n"),
        Module("flask_respkit.c", "from flask_respkit.a import x\n"),
        Module(
            "flask_respkit.d",
            "import typing as t\nif t.TYPE_CHECKING:\n    from .e import z\n"
            "def f():\n    from .e import z\n",
        ),
        Module("flask_respkit.e", "from .d import w\nfrom flask_respkit import a\n"),
    ]
    graph = import_graph(modules)
    assert graph["flask_respkit"] == {}  # the package's re-exports are left out
    assert graph["flask_respkit.d"] == {}
    assert import_cycles(graph) == [
        ["flask_respkit.a", "flask_respkit.b", "flask_respkit.c"]
    ]
    assert describe_cycles(graph)[1:] == [
        "  flask_respkit.a:1: imports flask_respkit.b",
        "  flask_respkit.b:1: imports flask_respkit.c",
        "  flask_respkit.c:1: imports flask_respkit.a",
    ]
