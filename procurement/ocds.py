"""The Procurement Act 2023 pipeline notice (UK1) as an OCDS 1.1 release package: one `planning` release per
contract over £2m whose contract start falls in the 18 months from 1 April of the chosen year, with the council
as buyer, values in GBP and the planned dates. A value or date printed as TBA/TBC (or not a real date) is left
out, never sent as zero, and named in `missing_values` so the page can list it as needing a value before the
notice is published. Checked against procurement/standards/ by tests/test_ocds.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from plans.models import Council
from procurement.models import ProcurementEntry
from procurement.notices import Notice

LONDON = ZoneInfo("Europe/London")
EXTENSION = "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"
# The planned dates a row may print, and where each goes in the release.
PLANNED = (
    ("procurement_start", "Procurement start"),
    ("advert", "Advert date"),
)


@dataclass
class Missing:
    """A contract in the notice with a field the notice needs but the plan printed no usable value for."""

    entry: ProcurementEntry
    field: str  # in words: "Contract length", "Procurement start", "Advert date"
    printed: str  # as printed ("TBA", "31/09/2020"), blank when nothing was printed


def ocid(entry: ProcurementEntry) -> str:
    """A stable id for the contracting process: the plan and the row's place in its printed tables (row ids
    change when a plan is loaded again). The prefix is the publisher's, registered with the OCDS helpdesk."""
    return f"{settings.OCDS_OCID_PREFIX}-{entry.plan.slug}-{entry.table.order}-{entry.order}"


def _moment(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).isoformat()


def party_id(council: Council) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-buyer-{council.slug}"


def release(entry: ProcurementEntry, *, council: Council, published: str) -> dict[str, Any]:
    """One planning release (no queries: the row's table and plan are loaded)."""
    tender: dict[str, Any] = {"id": f"{ocid(entry)}-tender", "title": entry.title, "status": "planned"}
    if entry.value is not None:
        tender["value"] = {"amount": float(entry.value), "currency": "GBP"}
    tender_start = entry.advert or entry.procurement_start
    if tender_start is not None:
        tender["tenderPeriod"] = {"startDate": _moment(tender_start)}
    contract: dict[str, Any] = {}
    if entry.contract_start is not None:
        contract["startDate"] = _moment(entry.contract_start)
    if entry.length_months is not None:
        contract["durationInMonths"] = entry.length_months
    if contract:
        tender["contractPeriod"] = contract
    buyer = {"id": party_id(council), "name": council.name}
    return {
        "ocid": ocid(entry),
        "id": f"{ocid(entry)}-planning-{published[:10]}",
        "date": published,
        "tag": ["planning"],
        "initiationType": "tender",
        "language": "en",
        "parties": [{**buyer, "roles": ["buyer"]}],
        "buyer": buyer,
        "planning": {
            "documents": [
                {
                    "id": f"{ocid(entry)}-UK1",
                    "documentType": "plannedProcurementNotice",
                    "noticeType": "UK1",
                    "title": "Pipeline notice",
                    "description": f"{entry.plan.department.name}: {entry.table.title}",
                }
            ]
        },
        "tender": tender,
    }


def release_package(*, notice: Notice, council: Council, uri: str) -> dict[str, Any]:
    """The notice's contracts as an OCDS release package. `releases` must not be empty (the schema's minItems):
    the view refuses a notice with no contract before calling this."""
    published = timezone.now().astimezone(LONDON).replace(microsecond=0).isoformat()
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [EXTENSION],
        "publishedDate": published,
        "publisher": {"name": council.name},
        "releases": [release(entry, council=council, published=published) for entry in notice.rows],
    }


def missing_values(notice: Notice) -> list[Missing]:
    """What the notice's contracts need before publication: a planned date or a length printed as words (TBA,
    TBC) or not a real date, left out of their releases. (Contracts with no real contract start are not in the
    notice at all: the page lists them already, as `notice.undated`.) No queries."""
    missing: list[Missing] = []
    for entry in notice.rows:
        for name, label in PLANNED:
            printed = getattr(entry, f"{name}_printed")
            if getattr(entry, name) is None and printed.strip():
                missing.append(Missing(entry, label, printed))
        if entry.length_months is None and entry.length_printed.strip():
            missing.append(Missing(entry, "Contract length", entry.length_printed))
    return missing
