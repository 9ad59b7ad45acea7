"""The plan loader: a good file loads; each kind of bad file is refused with a message naming file,
record and field, and nothing is written; loading twice changes nothing."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from budgets.models import BudgetCell, BudgetRow
from kpis.models import Kpi, KpiValue, Measure
from loader.services import FixtureError, plans_load
from plans.models import DataVersion, Deliverable, Discrepancy, Plan, Statement
from procurement.models import ProcurementEntry

# A small plan in the fixture schema, citing lines of a real source document.
GOOD = {
    "plan": {
        "slug": "cs-test",
        "department": "childrens-services",
        "title": "Test plan",
        "kind": "refresh",
        "period": "2021-25",
        "financial_year": "2022-23",
        "executive_director": "A Person",
        "status": "final",
        "document": "000_1696c8c63c149500.txt",
        "src": "1-449",
    },
    "statements": [{"kind": "council_priority", "text": "Resilient, healthy and safe communities", "src": 52}],
    "budget": {
        "tables": [
            {
                "title": "Approved Controllable Budget",
                "kind": "controllable",
                "unit": "£",
                "multiplier": 1,
                "src": "384-392",
                "columns": [
                    {"label": "Employees", "role": "category"},
                    {"label": "Premises", "role": "category"},
                    {"label": "Gross", "role": "gross"},
                    {"label": "Income", "role": "income"},
                    {"label": "Net", "role": "net"},
                ],
                "rows": [
                    {"division": "A", "src": 386, "cells": ["£10", "£5", "£15", "£-3", "£12"]},
                    {"division": "B", "src": 387, "cells": ["(20)", "£0", "(20)", "£0", "(20)"]},
                    {"division": "Total", "kind": "total", "src": 392, "cells": ["£-10", "£5", "£-5", "£-3", "£-8"]},
                ],
            }
        ],
    },
    "deliverables": [
        {
            "refs": ["CP-03"],
            "section": "council",
            "title": "Did a thing",
            "lead": "Director",
            "start": "Mar 2022",
            "end": "Mar 2023",
            "success_measures": ["It happened"],
            "src": 214,
        },
        {
            "refs": ["CP-25", "CP-29"],
            "section": "council",
            "title": "Did two things",
            "start": "Ongoing",
            "end": "31/09/2020",
            "src": 230,
        },
    ],
    "kpis": [
        {
            "key": "foster",
            "description": "Number of children living with Council foster carers",
            "unit": "count",
            "higher_is_better": True,
            "links": ["CP-03"],
            "src": 301,
            "values": [
                {"year": "2019-20", "kind": "actual", "printed": "388"},
                {"year": "2021-22", "kind": "latest", "printed": "319 (Dec 21)"},
                {"year": "2022-23", "kind": "target", "printed": "Increasing trend"},
                {"year": "2023-24", "kind": "target", "printed": "15-20"},
            ],
        }
    ],
    "procurement": [
        {
            "table": "Table One",
            "band": "above £50K",
            "src": "356-365",
            "rows": [
                {
                    "title": "Review of PFI Contract",
                    "value": "£55,000",
                    "procurement_start": "01/06/2022",
                    "contract_start": "31/09/2022",
                    "src": 360,
                },
                {
                    "title": "Something TBA",
                    "value": "TBA",
                    "procurement_start": "TBA",
                    "contract_start": "TBC",
                    "src": 361,
                },
            ],
        }
    ],
    "risks": [
        {"description": "Budget pressure", "type": "Resource", "mitigations": ["Plan"], "owner": "ED", "src": 420}
    ],
}


def write(tmp_path: Path, data: dict, name: str = "cs-test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (
            Plan,
            Statement,
            Deliverable,
            Kpi,
            KpiValue,
            BudgetRow,
            BudgetCell,
            ProcurementEntry,
            Discrepancy,
            Measure,
        )
    )


@pytest.mark.django_db
def test_it_loads_a_good_file(tmp_path):
    plans_load(paths=[write(tmp_path, GOOD)])
    plan = Plan.objects.get(slug="cs-test")
    assert plan.financial_year == 2022 and plan.department.name == "Children's Services"
    kpi = plan.kpis.get()
    latest = kpi.values.get(kind="latest")
    assert latest.printed == "319 (Dec 21)" and latest.value == Decimal("319") and latest.as_at.month == 12
    trend = kpi.values.get(year=2022, kind="target")
    assert (trend.target_kind, trend.direction) == ("trend", "increase")
    band = kpi.values.get(year=2023, kind="target")
    assert (band.target_kind, band.target_low, band.target_high) == ("range", Decimal(15), Decimal(20))
    cells = {c.column.label: c for c in BudgetCell.objects.filter(row__division="B")}
    assert cells["Employees"].value == Decimal("-20") and cells["Employees"].printed == "(20)"
    pfi = ProcurementEntry.objects.get(title="Review of PFI Contract")
    assert pfi.value == Decimal("55000") and pfi.procurement_start.isoformat() == "2022-06-01"
    assert pfi.contract_start is None and pfi.contract_start_printed == "31/09/2022"
    assert "September 2022 has 30 days" in pfi.contract_start_problem
    tba = ProcurementEntry.objects.get(title="Something TBA")
    assert tba.value is None and tba.value_status == "tba"
    assert plan.deliverables.get(key="CP-25 CP-29").refs == ["CP-25", "CP-29"]
    # Impossible dates become discrepancies that the corrections page lists.
    assert set(plan.discrepancies.values_list("field", flat=True)) == {"contract start", "end"}


@pytest.mark.django_db
def test_loading_twice_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    plans_load(paths=[path])
    first = counts()
    kpi_pk = Kpi.objects.get().pk
    plans_load(paths=[path])
    assert counts() == first
    assert Kpi.objects.get().pk == kpi_pk  # matched by key, so later entries attached to it survive


@pytest.mark.django_db
def test_a_changed_record_is_updated(tmp_path):
    plans_load(paths=[write(tmp_path, GOOD)])
    changed = copy.deepcopy(GOOD)
    changed["kpis"][0]["values"][0]["printed"] = "390"
    changed["deliverables"] = changed["deliverables"][:1]
    plans_load(paths=[write(tmp_path, changed)])
    assert KpiValue.objects.get(kind="actual").value == Decimal("390")
    assert Deliverable.objects.count() == 1


def broken(path: list, value) -> dict:
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    # (what, path into the data, new value, expected words in the message)
    (
        "row that does not sum",
        ["budget", "tables", 0, "rows", 0, "cells", 2],
        "£16",
        "cost categories sum to 15 but gross is 16",
    ),
    (
        "net that does not reconcile",
        ["budget", "tables", 0, "rows", 0, "cells", 4],
        "£13",
        "gross 15 + income -3 + grants 0 = 12 but net is 13",
    ),
    (
        "total that does not match its rows",
        ["budget", "tables", 0, "rows", 2, "cells"],
        ["£-10", "£6", "£-4", "£-3", "£-7"],
        "Premises: the 2 rows above sum to 5 but the total is 6",
    ),
    ("cells missing", ["budget", "tables", 0, "rows", 1, "cells"], ["(20)"], "1 cells for 5 columns"),
    ("garbled money", ["budget", "tables", 0, "rows", 0, "cells", 0], "£1O", "'£1O' is not a figure"),
    (
        "repair without a note",
        ["budget", "tables", 0, "rows", 0, "cells", 0],
        {"printed": "£1O", "value": 10},
        "needs a note with the arithmetic",
    ),
    ("duplicate ref", ["deliverables", 1, "refs"], ["CP-03"], "CP-03 is already used by deliverables[1]"),
    (
        "unparsed value",
        ["kpis", 0, "values", 0, "printed"],
        "about four hundred",
        "'about four hundred' is not understood",
    ),
    (
        "unknown target",
        ["kpis", 0, "values", 2, "printed"],
        "Something vague",
        "target 'Something vague' is not understood",
    ),
    ("bad year", ["kpis", 0, "values", 0, "year"], "2019-21", "not a single financial year"),
    ("unknown unit", ["kpis", 0, "unit"], "furlongs", "'furlongs' is not one of"),
    ("link to no deliverable", ["kpis", 0, "links"], ["CP-99"], "CP-99 is not a deliverable ref"),
    ("missing src", ["risks", 0, "src"], KeyError, "src: is required"),
    ("src outside the document", ["risks", 0, "src"], 9999, "outside the plan's lines 1-449"),
    ("typo in a field name", ["risks", 0, "ownr"], "ED", "ownr: unknown field"),
    ("unknown department", ["plan", "department"], "parks", "unknown department 'parks'"),
    ("missing source document", ["plan", "document"], "nope.txt", "'nope.txt' is not in"),
    ("unreadable money in the pipeline", ["procurement", 0, "rows", 0, "value"], "£55k-ish", "is not a sum of money"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("what, path, value, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_precisely_and_writes_nothing(tmp_path, what, path, value, message):
    before = counts()
    with pytest.raises(FixtureError) as exc:
        plans_load(paths=[write(tmp_path, broken(path, value))])
    assert message in str(exc.value)
    assert str(exc.value).startswith("cs-test.yaml: ")
    assert counts() == before


@pytest.mark.django_db
def test_a_bad_file_leaves_an_earlier_load_untouched(tmp_path):
    good = write(tmp_path, GOOD)
    plans_load(paths=[good])
    before = counts()
    bad = write(tmp_path, broken(["risks", 0, "src"], KeyError), "cs-test-bad.yaml")
    with pytest.raises(FixtureError):
        plans_load(paths=[good, bad])  # the good file is reloaded first, then the bad one fails: all rolled back
    assert counts() == before


@pytest.mark.django_db
def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan:\n  slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(FixtureError, match=r"broken.yaml: YAML: line \d+, column \d+: not valid YAML"):
        plans_load(paths=[path])


@pytest.mark.django_db
def test_a_recorded_repair_is_loaded_with_its_discrepancy(tmp_path):
    data = copy.deepcopy(GOOD)
    data["budget"]["tables"][0]["rows"][0]["cells"][2] = {
        "printed": "£16",
        "value": 15,
        "note": "row does not sum: 10 + 5 = 15, printed 16",
    }
    plans_load(paths=[write(tmp_path, data)])
    cell = BudgetCell.objects.get(row__division="A", column__label="Gross")
    assert (cell.printed, cell.printed_value, cell.value) == ("£16", Decimal(16), Decimal(15))
    assert Discrepancy.objects.get(field="Gross").note == "row does not sum: 10 + 5 = 15, printed 16"


@pytest.mark.django_db
def test_a_thousands_table_is_stored_in_pounds(tmp_path):
    data = copy.deepcopy(GOOD)
    data["budget"]["tables"][0]["multiplier"] = 1000
    plans_load(paths=[write(tmp_path, data)])
    assert BudgetCell.objects.get(row__division="A", column__label="Net").value == Decimal("12000")


@pytest.mark.django_db
def test_the_command_reports_the_error_and_a_dry_run_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match="Nothing was loaded. cs-test.yaml: risks\\[1\\]: src: is required"):
        call_command("load_plans", str(write(tmp_path, broken(["risks", 0, "src"], KeyError))))
    call_command("load_plans", str(write(tmp_path, GOOD)), "--dry-run")
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_measures_join_kpis_across_plans(tmp_path):
    second = copy.deepcopy(GOOD)
    second["plan"]["slug"] = "cs-test-2"
    second["plan"]["financial_year"] = "2023-24"
    (tmp_path / "measures.yaml").write_text(
        yaml.safe_dump(
            {
                "measures": [
                    {
                        "key": "foster",
                        "title": "Children with council foster carers",
                        "why": "same count",
                        "members": [{"plan": "cs-test", "kpi": "foster"}, {"plan": "cs-test-2", "kpi": "foster"}],
                    }
                ]
            }
        )
    )
    plans_load(paths=[write(tmp_path, GOOD), write(tmp_path, second, "cs-test-2.yaml")])
    measure = Measure.objects.get(key="foster")
    assert measure.kpis.count() == 2 and Measure.objects.count() == 1


# -- skipping an unchanged load (make run's second start) ------------------------------------------------------------

UNCHANGED = re.compile(
    r"Fixtures unchanged since the last load \(fingerprint [0-9a-f]{12}\): not reloaded "
    r"\(load_plans --force reloads\)\n"
)


@pytest.fixture
def fixtures_dir(tmp_path, settings):
    """A fixtures folder holding one plan (its source document stays where the real ones are)."""
    folder = tmp_path / "fixtures"
    folder.mkdir()
    write(folder, GOOD)
    settings.FIXTURES_DIR = folder
    return folder


def load_command(*args: str) -> str:
    out = StringIO()
    call_command("load_plans", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_unchanged_load_is_skipped_and_says_so(fixtures_dir):
    assert load_command().startswith("Loaded 1 plan(s): cs-test\n")
    version, kpi_pk = DataVersion.key(), Kpi.objects.get().pk
    assert UNCHANGED.fullmatch(load_command())
    assert DataVersion.key() == version  # cached pages stay valid: nothing was written
    assert Kpi.objects.get().pk == kpi_pk
    assert load_command("--force").startswith("Loaded 1 plan(s): cs-test\n")
    assert DataVersion.key() != version


@pytest.mark.django_db
def test_one_changed_fixture_byte_reloads(fixtures_dir):
    load_command()
    path = fixtures_dir / "cs-test.yaml"
    path.write_bytes(path.read_bytes().replace(b"Did a thing", b"Did a thinG"))
    assert load_command().startswith("Loaded 1 plan(s): cs-test\n")
    assert Deliverable.objects.get(key="CP-03").title == "Did a thinG"
    assert UNCHANGED.fullmatch(load_command())


@pytest.mark.django_db
def test_a_new_fixture_file_reloads(fixtures_dir):
    load_command()
    assert UNCHANGED.fullmatch(load_command())
    (fixtures_dir / "measures.yaml").write_text("measures: []\n", encoding="utf-8")
    assert load_command().startswith("Loaded")


@pytest.mark.django_db
def test_changed_loader_code_reloads(fixtures_dir, tmp_path, monkeypatch):
    from loader import fingerprint

    code = tmp_path / "loader_part.py"
    code.write_text("RULE = 1\n")
    real = fingerprint.loader_files
    monkeypatch.setattr(fingerprint, "loader_files", lambda: [*real(), code])
    load_command()
    assert UNCHANGED.fullmatch(load_command())
    code.write_text("RULE = 2\n")  # a deploy that changes how the loader writes
    assert load_command().startswith("Loaded")


def test_the_fingerprint_covers_every_module_the_loader_imports():
    """A module the loader imports (say load_budget, in loader/budgets.py) changes what a load writes: a change to
    it must reload, so it must be in the fingerprint."""
    import ast

    from django.conf import settings

    from loader import fingerprint

    def module_file(module: str) -> Path:
        path = settings.BASE_DIR / module.replace(".", "/")
        return path / "__init__.py" if path.is_dir() else path.with_name(path.name + ".py")  # a package or a module

    # KpiValue.target_summary imports a template filter to word a target on a page; a load never calls it.
    not_used_by_a_load = {"plans.templatetags.plan_extras"}
    for name in fingerprint.LOADER_MODULES:
        for node in ast.walk(ast.parse(module_file(name).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or (node.module or "").split(".")[0] not in {
                "plans",
                "kpis",
                "budgets",
                "procurement",
                "loader",
            }:
                continue
            # `from plans import parsing` names a module; `from plans.models import Plan` a name in one.
            modules = [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if module_file(f"{node.module}.{alias.name}").exists()
            ] or [node.module]
            for module in modules:
                assert module in fingerprint.LOADER_MODULES or module in not_used_by_a_load, f"{name} imports {module}"


@pytest.mark.django_db
def test_a_changed_source_document_reloads(fixtures_dir, tmp_path, settings):
    import shutil

    sources = tmp_path / "sources"
    shutil.copytree(settings.SOURCE_DOCUMENTS_DIR, sources)
    settings.SOURCE_DOCUMENTS_DIR = sources
    load_command()
    assert UNCHANGED.fullmatch(load_command())
    document = sources / GOOD["plan"]["document"]
    document.write_text(document.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_command().startswith("Loaded")


@pytest.mark.django_db
def test_a_new_migration_reloads(fixtures_dir, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    load_command()
    assert UNCHANGED.fullmatch(load_command())
    applied = MigrationRecorder.applied_migrations
    monkeypatch.setattr(
        MigrationRecorder, "applied_migrations", lambda self: {**applied(self), ("plans", "9999_new"): None}
    )
    assert load_command().startswith("Loaded")


@pytest.mark.django_db
def test_a_database_without_the_plans_loads_again(fixtures_dir):
    load_command()
    assert UNCHANGED.fullmatch(load_command())
    Plan.objects.all().delete()
    assert load_command().startswith("Loaded 1 plan(s): cs-test\n")


@pytest.mark.django_db
def test_a_partial_load_or_a_dry_run_never_counts_as_the_full_load(fixtures_dir, tmp_path):
    load_command()
    assert load_command("--dry-run").startswith("Validated (dry run, nothing written) 1 plan(s)")
    assert UNCHANGED.fullmatch(load_command())
    other = copy.deepcopy(GOOD)
    other["kpis"][0]["values"][0]["printed"] = "390"
    load_command(str(write(tmp_path, other, "cs-test.yaml")))  # the same plan, from another file
    assert load_command().startswith("Loaded")
    assert KpiValue.objects.get(kind="actual", year=2019).printed == "388"


@pytest.mark.django_db
def test_prepare_run_skips_what_is_unchanged(fixtures_dir, tmp_path, settings, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def prepare() -> str:
        out = StringIO()
        call_command("prepare_run", stdout=out)
        return out.getvalue()

    first = prepare()
    assert "Loaded 1 plan(s): cs-test" in first and "Static files collected" in first
    lines = prepare().splitlines()
    assert lines[0] == "Migrations: all applied" and UNCHANGED.fullmatch(lines[1] + "\n")
    assert lines[-2].startswith("Local accounts (password 'local-only-password'): admin.local, lead.childrens")
    assert lines[-1] == "Static files unchanged since they were collected: not collected again"
    assert not any(line.startswith(("Loaded", "Static files collected")) for line in lines)


@pytest.mark.django_db
def test_the_serving_child_of_the_autoreloader_does_not_prepare_again(fixtures_dir, monkeypatch):
    """prepare_run --serve becomes runserver's autoreloader, which starts this command again to serve (and
    after every code change): that run, with RUN_MAIN set, goes straight to serving."""
    served = []
    monkeypatch.setenv("RUN_MAIN", "true")
    monkeypatch.setattr(
        "loader.management.commands.prepare_run.call_command", lambda name, *args, **kwargs: served.append((name, args))
    )
    out = StringIO()
    call_command("prepare_run", "--serve", "127.0.0.1:8999", stdout=out)
    assert out.getvalue() == "" and served == [("runserver", ("127.0.0.1:8999",))]
    assert not Plan.objects.exists()
