"""The shape the code keeps: imports point one way, modules stay small."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import only the apps after it:
# reports (privacy included) -> notifications -> escalations -> tickets.
CHAIN = ["reports", "notifications", "escalations", "tickets"]
LONGEST_MODULE = 320


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(CHAIN)


@pytest.mark.parametrize("app", CHAIN)
def test_no_import_goes_against_the_chain(app):
    above = set(CHAIN[: CHAIN.index(app)])
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) & above)
        for path in modules(app)
        if imported_apps(path) & above
    }
    assert wrong == {}


@pytest.mark.parametrize("app", [*CHAIN, "config"])
def test_no_module_is_over_about_three_hundred_lines(app):
    long = {
        str(path.relative_to(ROOT)): n
        for path in modules(app)
        if (n := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}
