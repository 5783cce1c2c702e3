"""``hub`` is the base layer: it imports no feature app, and its templates name none.

Apps plug into it (seed_demo parts, home-page sections) from their ``AppConfig.ready()``. The
user model is reached through ``django.contrib.auth.get_user_model`` / ``AUTH_USER_MODEL``.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUB = ROOT / "hub"
FEATURE_APPS = {"accounts", "gcm", "discussions", "experts", "events", "notifications"}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module a source imports, at any depth (lazy imports in functions too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in {"import_module", "__import__", "import_string"} and node.args:
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.append((node.lineno, argument.value))
    return found


def feature_imports(source: str) -> list[str]:
    return [f"line {line}: {module}" for line, module in imported_modules(source)
            if module.split(".")[0] in FEATURE_APPS]  # fmt: skip


def test_the_import_finder_sees_top_level_lazy_and_dynamic_imports():
    source = (
        "import discussions.models\n"
        "from gcm.selectors import objectives_in_order\n"
        "def seed():\n"
        "    from accounts.models import User\n"
        "    importlib.import_module('experts.demo')\n"
        "from django.contrib.auth import get_user_model\n"
        "from hub.errors import HubError\n"
    )
    assert feature_imports(source) == [
        "line 1: discussions.models",
        "line 2: gcm.selectors",
        "line 4: accounts.models",
        "line 5: experts.demo",
    ]


@pytest.mark.parametrize("path", sorted(HUB.rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT)))
def test_hub_module_imports_no_feature_app(path: Path):
    assert feature_imports(path.read_text()) == []


TEMPLATE_REFERENCE = re.compile(
    r"""\{%\s*(?:include|extends)\s+["'](?P<template>[\w-]+)/|\{%\s*url\s+["'](?P<namespace>[\w-]+):"""
)


def feature_references(template: str) -> list[str]:
    """Templates of feature apps included or extended, and their URL namespaces reversed."""
    return [
        match.group(0)
        for match in TEMPLATE_REFERENCE.finditer(template)
        if (match.group("template") or match.group("namespace")) in FEATURE_APPS
    ]


def test_the_template_finder_sees_includes_and_urls_of_feature_apps():
    template = """{% include "gcm/_objective_grid.html" %}{% url 'discussions:space' slug %}
        {% include "hub/part.html" %}{% url 'home' %}"""
    assert feature_references(template) == ['{% include "gcm/', "{% url 'discussions:"]


@pytest.mark.parametrize("path", sorted((HUB / "templates").rglob("*.html")), ids=lambda path: path.name)
def test_hub_template_names_no_feature_app(path: Path):
    assert feature_references(path.read_text()) == []
