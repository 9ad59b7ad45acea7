"""The apps' import contract ([tool.importlinter] in pyproject.toml, run by `make test`): what it refuses and what
it allows, checked against a small stand-in project with the same package names, so the rules themselves are
pinned whatever state the real code is in; and config's own contracts against the real code."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
PACKAGES = (
    "plans",
    "kpis",
    "budgets",
    "procurement",
    "accounts",
    "dashboard",
    "search",
    "loader",
    "api",
    "reports",
    "perf",
    "config",
)


def contract_toml() -> str:
    """The project's [tool.importlinter] tables, written back as TOML."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]

    def value(item: object) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(value(part) for part in item) + "]"
        return '"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {value(item)}" for key, item in config.items() if key != "contracts"]
    for contract in config["contracts"]:
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {value(item)}" for key, item in contract.items()]
    return "\n".join(lines) + "\n"


def lint(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=project, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def stand_in(tmp_path: Path):
    """A project of empty packages named like ours, under our contract; `imports("plans", "kpis")` makes
    plans import kpis."""
    (tmp_path / "pyproject.toml").write_text(contract_toml(), encoding="utf-8")
    for name in PACKAGES:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")

    def imports(importer: str, imported: str) -> None:
        with (tmp_path / importer / "__init__.py").open("a", encoding="utf-8") as module:
            module.write(f"import {imported}\n")

    imports.path = tmp_path
    return imports


def test_the_allowed_directions_pass(stand_in):
    for importer, imported in [
        ("perf", "loader"),
        ("perf", "config"),
        ("perf", "reports"),
        ("reports", "dashboard"),  # report packs stand on the pages they freeze
        ("loader", "kpis"),
        ("search", "budgets"),
        ("dashboard", "procurement"),
        ("api", "kpis"),
        ("api", "budgets"),
        ("kpis", "plans"),
        ("budgets", "plans"),
        ("procurement", "plans"),
        ("accounts", "plans"),
        ("config", "plans"),
    ]:
        stand_in(importer, imported)
    result = lint(stand_in.path)
    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "importer, imported, refusal",
    [
        ("plans", "kpis", "plans is not allowed to import kpis"),  # the ground floor imports no other app
        ("kpis", "budgets", "kpis is not allowed to import budgets"),  # one layer's apps never import each other
        ("procurement", "kpis", "procurement is not allowed to import kpis"),
        ("accounts", "kpis", "accounts is not allowed to import kpis"),  # sign-in stands on plans alone
        ("plans", "accounts", "plans is not allowed to import accounts"),
        ("dashboard", "search", "dashboard is not allowed to import search"),
        ("budgets", "dashboard", "budgets is not allowed to import dashboard"),  # nothing imports upwards
        ("loader", "perf", "loader is not allowed to import perf"),
        ("api", "dashboard", "api is not allowed to import dashboard"),  # the API sits beside the dashboard
        ("procurement", "api", "procurement is not allowed to import api"),
        ("dashboard", "reports", "dashboard is not allowed to import reports"),
        ("config", "dashboard", "config is not allowed to import dashboard"),  # config imports plans only
        ("plans", "config", "plans is not allowed to import config"),  # and the apps never import config back
    ],
)
def test_a_wrong_way_import_fails(stand_in, importer, imported, refusal):
    stand_in(importer, imported)
    result = lint(stand_in.path)
    assert result.returncode == 1, result.stdout
    assert refusal in result.stdout


def test_config_imports_plans_only_and_no_app_imports_config():
    """The real code: config's middleware and URLs import plans alone (the other apps' URLs are named as strings),
    and no app the server runs imports config."""
    result = subprocess.run(
        [
            str(LINT_IMPORTS),
            "--no-cache",
            "--no-logo",
            "--contract",
            "config-imports-plans-only",
            "--contract",
            "apps-do-not-import-config",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
    assert "2 kept, 0 broken" in result.stdout


MODULE_LINE_LIMIT = 400  # issue 15: short modules, one concern each (migrations and tests apart)


def test_no_module_is_over_the_line_limit():
    """Every Python module of the apps, config and the tools stays within MODULE_LINE_LIMIT lines."""
    modules = [ROOT / "manage.py"] + [
        path
        for package in (*PACKAGES, "tools")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    ]
    assert len(modules) > 150  # the walk found the project's code
    lines = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in modules}
    assert {path: n for path, n in lines.items() if n > MODULE_LINE_LIMIT} == {}, "split these by concern"
