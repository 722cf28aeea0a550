"""The project's imports follow its documented direction, and no app imports itself in a circle.

Every import is read from the source (`ast`), including those inside functions: a function-level import
that closes a circle is still a circle, only hidden. The direction (README, "Where to add…"):

    reemploi (toolkit)  ←  devices  ←  programmes  ←  shop  ←  demo
                             ↑      ←  rental
                          content  (reads registry figures)      payments ← shop, rental

- the toolkit modules of the configuration package import no app;
- `devices` imports none of content, shop, rental, payments, programmes, demo (programmes add their device
  steps and donor-portal section through Wagtail hooks);
- `programmes` (donation programmes, relay partners, solidarity vouchers) imports devices only; the shop
  imports it for the vouchers;
- `content` imports none of shop, rental, payments, demo; shop and rental import nothing of content;
- shop and rental do not import each other; nothing imports `demo` (it orchestrates the apps' demos) nor
  `network` (the coordinator's dashboard, which reads the registry, the shop and the rental).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "content", "demo", "devices", "network", "payments", "programmes", "rental", "shop")
TOOLKIT = (
    "admin_steps", "cache_versions", "downloads", "money", "pdf", "permissions", "queue", "ratelimits", "uploads",
)  # fmt: skip
FORBIDDEN = {
    "reemploi": set(APPS),  # for the toolkit modules (settings and URLs assemble the apps)
    "devices": {"content", "shop", "rental", "payments", "demo", "network", "programmes"},
    "programmes": {"content", "shop", "rental", "payments", "demo", "network"},
    "content": {"shop", "rental", "payments", "demo", "network", "programmes"},
    "shop": {"content", "rental", "demo", "network"},
    "rental": {"content", "shop", "demo", "network", "programmes"},
    "payments": {"content", "devices", "shop", "rental", "demo", "network", "programmes"},
    "accounts": {"content", "devices", "shop", "rental", "payments", "demo", "network", "programmes"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "site":
        parts[0] = "reemploi"
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _source_files():
    for top in (*APPS, "site"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """The project modules that `module` imports (a `from package import name` naming a module counts)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [source] + [f"{source}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in _source_files()}
    modules = set(files)
    return {module: _imports(path, module, modules) for module, path in files.items()}


def _top(module: str) -> str:
    return module.split(".")[0]


def _cycles(graph: dict[str, set[str]], package: str) -> list[list[str]]:
    """Elementary circles among the modules of `package` (Tarjan's strongly connected components)."""
    nodes = {m for m in graph if _top(m) == package}
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node] & nodes:
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

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return components


def test_the_graph_sees_the_project(graph):
    assert {"devices.services", "shop.models", "rental.models", "content.models"} <= set(graph)
    assert "devices.models" in graph["devices.services"]


@pytest.mark.parametrize("package", APPS + ("reemploi",))
def test_no_import_circle_inside_an_app(graph, package):
    assert _cycles(graph, package) == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_follow_the_documented_direction(graph, package):
    wrong = []
    for module, targets in graph.items():
        if _top(module) != package:
            continue
        if package == "reemploi" and module.split(".")[1:2] and module.split(".")[1] not in TOOLKIT:
            continue  # settings, URLs, Celery app: they assemble the apps
        wrong += [f"{module} → {target}" for target in sorted(targets) if _top(target) in FORBIDDEN[package]]
    assert wrong == []


def test_the_circle_finder_finds_a_circle():
    graph = {"x.a": {"x.b"}, "x.b": {"x.c"}, "x.c": {"x.a"}, "x.d": {"x.a"}}
    assert _cycles(graph, "x") == [["x.a", "x.b", "x.c"]]
