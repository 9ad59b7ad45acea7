"""Property-based tests: any text typed into any field of the entry forms, or into any cell of an uploaded
file, is answered with a page (never a server error) and writes everything or nothing."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kpis.models import Benchmark, Kpi, KpiValue
from kpis.uploads import COLUMNS
from plans.models import DeliverableUpdate
from tests.test_entry import (  # noqa: F401
    COUNT,
    HOMES,
    PCT,
    fast_passwords,
    kpi_of,
    loaded_plans,
    page_form,
    plans,
    update_url,
    users,
)

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text a person might type, text that is nearly right, and anything at all.
nearly = st.sampled_from(
    [
        "",
        " ",
        "85",
        "85%",
        "-3",
        "101",
        "0",
        "100",
        "12.5",
        "1,234",
        "1e5",
        "NaN",
        "Infinity",
        "-0",
        ".5",
        "5.",
        "£3m",
        "85% (Dec 25)",
        "12 (P)",
        "(n)55",
        "N/A",
        "TBC",
        "Green",
        "٣٤",
        "１２",
        "9" * 30,
        "0.000001",
        "2025",
        "2026",
        "2030",
        "2025-26",
        "2025/26",
        "2025-09",
        "2027-01",
        "2025-13",
        "2025-1",
        "Y",
        "N",
        "yes",
        "=cmd|' /C calc'!A0",
        "+1+1",
        "@SUM(A1)",
        "<script>alert(1)</script>",
        "\x00",
        "a\x00b",
        "\u202e",
        "\ufeff",
        "0",
        "-1",
        str(2**63),
        "9" * 5000,
    ]
)
anything = st.one_of(
    nearly, st.text(max_size=60), st.text(alphabet="0123456789.-%,eE+ ", max_size=12), st.text(max_size=3000)
)
# Text that is right for a field, so that examples also reach the saving path.
GOOD = {
    "value": ["85", "90.5", "100", "0"],
    "year": ["2025", "2026"],
    "as_at": [""],
    "provisional": ["", "on"],
    "commentary": ["Explained", "Below target: staff shortages"],
    "benchmark": ["", "70"],
    "seen": ["0"],
}
GOOD_CELLS = {
    "Latest value": GOOD["value"],
    "Financial year": ["2025-26", "2026/27"],
    "As at (YYYY-MM)": GOOD["as_at"],
    "Provisional (Y/N)": ["", "Y", "n"],
    "Commentary": GOOD["commentary"],
    "Benchmark": GOOD["benchmark"],
    "Version": ["0", ""],
    "Measure": ["", "anything"],
}


def mostly_good(good: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(*[st.sampled_from(good)] * 9, anything)  # most fields typed sensibly, so saves happen too


FIELDS = {name: mostly_good(good) for name, good in GOOD.items()}


def entry_count() -> tuple[int, int]:
    return KpiValue.objects.filter(source="entry").count(), Benchmark.objects.count()


@EXAMPLES
@given(typed=st.fixed_dictionaries({key: st.fixed_dictionaries({}, optional=FIELDS) for key in (PCT, COUNT, HOMES)}))
def test_any_text_in_the_entry_form_gives_a_page_and_all_or_nothing(client, plans, users, typed):
    client.force_login(users.lead)
    with transaction.atomic():
        kpis = list(Kpi.objects.filter(plan=plans.cs))
        data = {f"kpi-{k.pk}-year": "2025" for k in kpis} | {f"kpi-{k.pk}-seen": "0" for k in kpis}
        for key, fields in typed.items():
            pk = kpi_of(plans.cs, key).pk
            data |= {f"kpi-{pk}-{name}": text for name, text in fields.items()}
        response = client.post(update_url(plans.cs), data)
        event(f"status {response.status_code}")
        assert response.status_code in {302, 400}
        values, benchmarks = entry_count()
        if response.status_code == 400:
            assert (values, benchmarks) == (0, 0)  # nothing written
            assert "There is a problem: nothing was saved" in response.content.decode()
        else:
            # Everything typed was written: one value per KPI given one, one benchmark per benchmark given.
            def given_(name):
                return sum(1 for fields in typed.values() if (fields.get(name) or "").strip())

            assert (values, benchmarks) == (given_("value"), given_("benchmark"))
        transaction.set_rollback(True)


@EXAMPLES
@given(status=anything, percent=anything, as_of=anything, commentary=anything)
def test_any_text_in_the_progress_form_gives_a_page(client, plans, users, status, percent, as_of, commentary):
    client.force_login(users.lead)
    item = plans.cs.deliverables.order_by("order").first()
    with transaction.atomic():
        response = client.post(
            reverse("deliverable_update", args=[plans.cs.slug, item.pk]),
            {"status": status, "percent_complete": percent, "as_of": as_of, "commentary": commentary},
        )
        assert response.status_code in {302, 400}
        assert DeliverableUpdate.objects.count() == (1 if response.status_code == 302 else 0)
        transaction.set_rollback(True)


cells = st.fixed_dictionaries({}, optional={column: mostly_good(good) for column, good in GOOD_CELLS.items()})
keys = st.one_of(*[st.sampled_from([PCT, COUNT, HOMES])] * 9, st.sampled_from(["no-such-kpi", ""]), anything)


@EXAMPLES
@given(
    rows=st.lists(st.tuples(keys, cells), max_size=5, unique_by=lambda row: row[0]),
    header_ok=st.sampled_from([True] * 9 + [False]),
)
def test_any_text_in_an_uploaded_csv_gives_a_page_and_all_or_nothing(client, plans, users, rows, header_ok):
    client.force_login(users.lead)
    upload = reverse("kpi_upload", args=[plans.cs.department.slug]) + f"?plan={plans.cs.slug}"
    table = [COLUMNS if header_ok else COLUMNS[::-1]]
    for key, typed in rows:
        row = {"KPI key": key, "Financial year": "2025-26", "Version": "0"} | typed
        table.append([row.get(c, "") for c in COLUMNS])
    out = io.StringIO()
    csv.writer(out).writerows(table)
    with transaction.atomic():
        response = client.post(
            upload, {"plan": plans.cs.slug, "file": SimpleUploadedFile("v.csv", out.getvalue().encode("utf-8"))}
        )
        event(f"status {response.status_code}")
        assert response.status_code in {200, 400}
        assert entry_count() == (0, 0)  # a preview writes nothing
        html = response.content.decode()
        if response.status_code == 200 and "Save all" in html:
            changes = int(html.split("Save all ")[1].split(" change")[0])
            event("confirmed")
            response = client.post(upload, {**page_form(html, "Save all"), "confirm": "1"})
            assert response.status_code == 302
            values, benchmarks = entry_count()
            assert values + benchmarks >= changes  # every previewed row written
        transaction.set_rollback(True)


@EXAMPLES
@given(
    body=st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(lambda t: t.encode("utf-8"))),
    name=st.sampled_from(["v.csv", "v.xlsx", "v.CSV", "v.txt", "v", "v.csv.xlsx"]),
)
def test_any_bytes_uploaded_give_a_page(client, plans, users, body, name):
    client.force_login(users.lead)
    upload = reverse("kpi_upload", args=[plans.cs.department.slug]) + f"?plan={plans.cs.slug}"
    with transaction.atomic():
        response = client.post(upload, {"plan": plans.cs.slug, "file": SimpleUploadedFile(name, body)})
        assert response.status_code in {200, 400}
        assert entry_count() == (0, 0)
        transaction.set_rollback(True)


@EXAMPLES
@given(payload=anything)
def test_any_confirmation_payload_gives_a_page(client, plans, users, payload):
    client.force_login(users.lead)
    upload = reverse("kpi_upload", args=[plans.cs.department.slug]) + f"?plan={plans.cs.slug}"
    response = client.post(upload, {"plan": plans.cs.slug, "payload": payload, "confirm": "1"})
    assert response.status_code == 400
    assert entry_count() == (0, 0)
