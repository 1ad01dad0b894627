"""The structure issue 12 asks for, checked on the source: module sizes, no private import across a
package boundary, no import cycle, and ``claim.kind`` tests only inside the kind's own package."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = ("checkers", "derivations")
MAX_LINES = 800
#: where a kind's own package may test ``claim.kind``: the kind packages (and derivations, which
#: defines the kinds)
KIND_HOMES = ("checkers/indexed/", "checkers/network/", "checkers/scalar", "checkers/experiments",
              "derivations/")


def _modules():
    out = {}
    for pkg in PACKAGES + ("benchmarks",):
        for p in sorted((ROOT / pkg).rglob("*.py")):
            rel = p.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


MODULES = _modules()


def _package_of(mod: str, path: pathlib.Path) -> str:
    return mod if path.name == "__init__.py" else mod.rpartition(".")[0]


def _imports(mod: str, path: pathlib.Path):
    """``(imported module, imported name or None, line)`` for every import in the file."""
    tree = ast.parse(path.read_text(), str(path))
    pkg = _package_of(mod, path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for a in node.names:
                sub = f"{target}.{a.name}"
                if sub in MODULES:
                    yield sub, None, node.lineno
                else:
                    yield target, a.name, node.lineno


def _private_owner(target: str, name: str | None):
    """The package that owns a private module or name, or None if the import is public."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    if name and name.startswith("_") and not name.startswith("__"):
        return target if (target in MODULES and MODULES[target].name == "__init__.py") \
            else target.rpartition(".")[0]
    return None


def test_no_module_is_over_800_lines():
    big = {m: n for m, p in MODULES.items() if m.split(".")[0] in PACKAGES
           and (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_no_private_name_is_imported_from_outside_its_package():
    bad = []
    for mod, path in MODULES.items():
        pkg = _package_of(mod, path)
        for target, name, line in _imports(mod, path):
            if target.split(".")[0] not in PACKAGES:
                continue
            owner = _private_owner(target, name)
            if owner is not None and not (pkg == owner or pkg.startswith(owner + ".")):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports "
                           f"{target + ('.' + name if name else '')}")
    assert not bad, "private imports across a package boundary:\n" + "\n".join(bad)


def test_no_import_cycle_inside_checkers_or_derivations():
    graph = {}
    for mod, path in MODULES.items():
        if mod.split(".")[0] not in PACKAGES:
            continue
        deps = set()
        for target, _, _ in _imports(mod, path):
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != mod and target.split(".")[0] == mod.split(".")[0] \
                    and target not in PACKAGES:   # a package's own __init__ re-exports: not a cycle
                deps.add(target)
        graph[mod] = deps
    seen, stack, cycles = {}, [], []

    def visit(m):
        seen[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if seen.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in seen:
                visit(d)
        stack.pop()
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


#: a claim kind compared with a hard-coded kind name (or a tuple of them)
_KIND_TEST = re.compile(r"""(?<!dtype)(?<!\bdt)\.kind(\s*(==|!=)\s*["']|\s+(not\s+)?in\s*[(\[{"']|\.startswith)""")


def test_claim_kind_is_tested_only_inside_the_kind_package():
    bad = []
    for mod, path in MODULES.items():
        rel = path.relative_to(ROOT).as_posix()
        if rel.split("/")[0] not in PACKAGES or rel.startswith(KIND_HOMES) or rel == "checkers/kinds.py":
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#")[0]
            if _KIND_TEST.search(code):
                bad.append(f"{rel}:{n}: {line.strip()}")
    assert not bad, "kind tests outside the kind's package (ask checkers.kinds.kind_of):\n" + \
        "\n".join(bad)


@pytest.mark.parametrize("name", ["test_engine", "test_compare", "test_kinks"])
def test_the_core_modules_have_their_test_modules(name):
    assert (ROOT / "tests" / f"{name}.py").is_file()
