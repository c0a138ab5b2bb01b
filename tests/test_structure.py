"""The package's shape: no import cycles, and no module imports another's private names."""

from __future__ import annotations

import ast

from conftest import PROJECT

PACKAGE = PROJECT / "newsarchive"


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PROJECT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _imports(modules) -> tuple[dict[str, set[str]], list[str]]:
    """Each module's imports of the package's modules (inside functions too), and every import
    of a private (_underscore) name from another module."""
    graph, private = {}, []
    for name, (path, tree) in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        uses = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                if not target.startswith("newsarchive"):
                    continue
                for alias in node.names:
                    if f"{target}.{alias.name}" in modules:
                        uses.add(f"{target}.{alias.name}")
                    else:
                        uses.add(target)
                        if alias.name.startswith("_"):
                            private.append(f"{name} imports {alias.name} from {target}")
            elif isinstance(node, ast.Import):
                uses |= {alias.name for alias in node.names if alias.name.startswith("newsarchive")}
        graph[name] = {other for other in uses if other in modules and other != name}
    return graph, private


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules along it, or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for other in sorted(graph[module]):
            if state.get(other) == 1:
                return path[path.index(other):] + [other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(graph):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return []


def test_the_package_has_no_import_cycle():
    graph, _ = _imports(_modules())
    assert "newsarchive.cli" in graph and graph["newsarchive.cli"]  # the graph is read at all
    assert _cycle(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_imports_another_modules_private_names():
    _, private = _imports(_modules())
    assert private == []


def test_every_package_of_the_code_is_installed():
    import tomllib

    listed = set(tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {".".join(init.parent.relative_to(PROJECT).parts) for init in PACKAGE.rglob("__init__.py")}
    assert packages - listed == set()
