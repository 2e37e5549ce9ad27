"""
The project's layout: plumbing in modena_networks, the domain in networks, the page rating and the
open data in apps of their own, and no module importing another that imports it back.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["modena_networks", "networks", "feedback", "opendata", "identity"]


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path):
    """Return the project's modules `path` imports, at its top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            found.add(module)
            # `from . import cache` imports a module, not a name.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {module for module in found if module.split(".")[0] in PACKAGES}


def project_modules():
    paths = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]
    modules = {module_name(path): path for path in paths}
    return {name: imports_of(path) & modules.keys() - {name} for name, path in modules.items()}


def cycles(graph):
    """Return the cycles of `graph` ({module: modules it imports}), each as a list of modules."""
    found, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                found.append([*trail[trail.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(project_modules()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_domain_does_not_depend_on_the_apps_built_on_it():
    graph = project_modules()
    for module, imported in graph.items():
        if module.startswith("networks"):
            assert not {name for name in imported if name.startswith(("feedback", "opendata"))}


def test_settings_take_the_plumbing_from_the_project_package():
    named = [
        *settings.MIDDLEWARE,
        *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
        *settings.STATICFILES_FINDERS,
        settings.AXES_CLIENT_IP_CALLABLE,
        *(entry["()"] for entry in settings.LOGGING["filters"].values()),
        *(entry["()"] for entry in settings.LOGGING["formatters"].values()),
    ]
    ours = [name for name in named if name.split(".")[0] in PACKAGES]
    # All but the networks app's own middleware: its page cache and its content version.
    assert sorted(name for name in ours if not name.startswith("modena_networks.")) == [
        "networks.middleware.OneContentChangeMiddleware",
        "networks.middleware.PublicPageCacheMiddleware",
    ]
