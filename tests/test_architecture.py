"""The shape of the code that docs/architecture.md describes, checked from the source itself: which
app may import which, no import circles, no import tucked inside a function to dodge one, and
modules small enough to read. A change that breaks the map fails here, not in a newcomer's head."""

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "samizdat"

# app -> the apps it must not import (every app may import core; core imports none)
APPS = ["core", "news", "publishing", "newsletter", "support", "media", "staff", "demo", "migrating"]
FORBIDDEN = {
    "core": set(APPS) - {"core"},
    "news": {"publishing", "newsletter", "support", "demo", "migrating"},
    "newsletter": {"publishing", "support", "demo", "migrating"},
    "support": {"news", "newsletter", "publishing", "demo", "migrating"},
    "media": set(APPS) - {"core", "media"},
    "staff": set(APPS) - {"core", "staff"},
    "publishing": {"demo", "migrating"},
    # Moving in from another system writes through news (and, for subscribers, newsletter).
    "migrating": {"publishing", "support", "demo", "media", "staff"},
}
LONGEST_MODULE = 400
# Every setting in one documented place (docs/configuration.md): long by design, and no logic.
LONG_BY_DESIGN = {"samizdat.settings"}


def module_name(path):
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files():
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]


MODULES = {module_name(p): p for p in source_files()}


def resolve(importer, node):
    """The samizdat modules an import statement in `importer` loads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith("samizdat")]
    if node.level:
        base = importer.split(".")
        if MODULES[importer].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("samizdat"):
        return []
    # `from samizdat.news import models` loads the module models; the package itself counts only
    # for names that are not modules of it (its __init__ runs first anyway).
    submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES]
    return submodules if len(submodules) == len(node.names) else [target, *submodules]


def imports_of(name):
    """(module-level imports, imports inside functions other than AppConfig.ready) of a module."""
    tree = ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))
    top, inside = [], []

    def visit(node, function=None, klass=None):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                targets = [t for t in resolve(name, child) if t in MODULES or t == "samizdat"]
                if function is None:
                    top.extend(targets)
                elif not (function == "ready" and name.endswith(".apps")):
                    inside.extend((function, t, child.lineno) for t in targets)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, function or child.name, klass)
            elif isinstance(child, ast.ClassDef):
                visit(child, function, child.name)
            else:
                visit(child, function, klass)

    visit(tree)
    return top, inside


def graph():
    edges = defaultdict(set)
    for name in MODULES:
        for target in imports_of(name)[0]:
            if target != name:
                edges[name].add(target)
    return edges


def app_of(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in APPS else None


def test_apps_import_only_what_the_map_allows():
    wrong = []
    for name, targets in graph().items():
        for target in targets:
            if app_of(target) in FORBIDDEN.get(app_of(name), ()):
                wrong.append(f"{name} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_the_batch_machinery_lives_in_publishing_behind_djangos_cache_api():
    """news reaches the batch memo and kept pieces only through `caches["batch"]` and
    `caches["pieces"]`; core holds none of it."""
    assert not [name for name in MODULES if name.startswith("samizdat.core.") and "render_cache" in name]
    assert {"samizdat.publishing.batch_cache", "samizdat.publishing.kept_pieces"} <= set(MODULES)
    news_imports = {target for name in MODULES if app_of(name) == "news" for target in imports_of(name)[0]}
    assert not {target for target in news_imports if app_of(target) == "publishing"}


def test_no_import_circles():
    edges = graph()
    circles = [sorted(c) for c in strongly_connected(edges) if len(c) > 1]
    assert not circles, "\n".join(" <-> ".join(c) for c in circles)


def test_no_samizdat_import_inside_a_function():
    """An import inside a function is how a circle hides; AppConfig.ready() connecting signals is
    Django's own convention and allowed."""
    hidden = [f"{name}:{line} in {function}() imports {target}"
              for name in MODULES for function, target, line in imports_of(name)[1]]
    assert not hidden, "\n".join(hidden)


def test_modules_stay_short():
    lines = {name: len(MODULES[name].read_text().splitlines()) for name in set(MODULES) - LONG_BY_DESIGN}
    long = sorted(f"{MODULES[name]}: {n} lines" for name, n in lines.items() if n > LONGEST_MODULE)
    assert not long, "Does each hold two things?\n" + "\n".join(long)


def test_the_checks_see_a_circle_and_a_hidden_import(tmp_path, monkeypatch):
    """The checks above would fail on the faults they look for (so a green run means something)."""
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [sorted(c) for c in strongly_connected(edges) if len(c) > 1] == [["a", "b", "c"]]
    assert "samizdat.news.models" in MODULES and "samizdat.core" in MODULES
    node = ast.parse("from ..core import links").body[0]
    assert resolve("samizdat.news.views", node) == ["samizdat.core.links"]
    node = ast.parse("from ..core import links, absolute_url").body[0]
    assert resolve("samizdat.news.views", node) == ["samizdat.core", "samizdat.core.links"]
    hiding = tmp_path / "hiding.py"
    hiding.write_text("class Story:\n    def get_context(self):\n        from ..related import read_more\n")
    monkeypatch.setitem(MODULES, "samizdat.news.models.hiding", hiding)
    assert imports_of("samizdat.news.models.hiding") == ([], [("get_context", "samizdat.news.related", 3)])


def strongly_connected(edges):
    """Tarjan's algorithm, iteratively: the groups of modules that import each other in a ring."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    nodes = set(edges) | {t for ts in edges.values() for t in ts}
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return groups
