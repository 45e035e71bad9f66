"""The domain layers import the standard library and eventsourcing.domain only.

import-linter (run by `make test`) checks the rest of the dependency rule, but it cannot forbid
sub-packages of an outside package such as `eventsourcing.application`; this test does.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONTEXTS = ("intake", "routing", "tracking", "notification")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def allowed(module: str, context: str) -> bool:
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names
        or module == "eventsourcing.domain"
        or module.startswith(f"{context}.domain")
    )


@pytest.mark.parametrize("context", CONTEXTS)
def test_domain_imports_only_the_standard_library_and_eventsourcing_domain(context: str) -> None:
    files = sorted((ROOT / context / "domain").rglob("*.py"))
    assert files, f"{context}/domain has no modules"
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in imported_modules(path)
        if not allowed(module, context)
    ]
    assert offending == []
