"""Server-made PDFs (reports/pdf.py, WeasyPrint), read back with pypdf: each department's scorecard on one A4
landscape page, the live cabinet summary of every plan, the whole pack; a title, page numbers, the date and the pack
name on every page, the fonts embedded, the figures as text; nothing fetched from the network."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from plans.models import Council, Plan
from reports.pdf import DiskOnlyFetcher, FetchRefused
from reports.services import pack_publish
from tests.conftest import all_plans  # noqa: F401

TITLE = "Q2 2025-26 — Cabinet 11 December 2025"
A4_LANDSCAPE = (842, 595)


def read(response) -> PdfReader:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def title(reader: PdfReader) -> str:
    assert reader.metadata is not None and reader.metadata.title is not None
    return reader.metadata.title


def text(page) -> str:
    return " ".join(page.extract_text().split())


def fonts_embedded(reader: PdfReader) -> set[str]:
    found = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            found.add(str(font["/BaseFont"]).split("+")[-1])
    return found


@pytest.fixture
def pack(all_plans, db):
    admin = get_user_model().objects.create_user("ada", first_name="Ada", last_name="Admin")
    return pack_publish(
        council=Council.objects.get(slug="derbyshire"),
        period="Q2 2025-26",
        meeting_date=dt.date(2025, 12, 11),
        by=admin,
    )


def test_each_departments_scorecard_is_one_a4_landscape_page(client, pack):
    for d in pack.departments:
        reader = read(client.get(reverse("report_department_pdf", args=[pack.slug, d["department_slug"]])))
        assert len(reader.pages) == 1, d["department"]
        page = reader.pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == A4_LANDSCAPE
        words = text(page)
        assert title(reader) == f"{d['department']}: {TITLE}"
        assert words.count(TITLE) == 2  # head and foot of the page
        assert "Cabinet 11 December 2025" in words and "Page 1 of 1" in words
        assert d["net_budget"] in words
        shown = [m for m in d["measures"] if m["figure"]]
        assert shown and all(m["figure"][:10] in words for m in shown), d["department"]
        assert fonts_embedded(reader) == {"Pack-Sans", "Pack-Sans-Bold"}


@pytest.mark.parametrize(
    "slug", sorted(p.stem for p in __import__("django.conf").conf.settings.FIXTURES_DIR.glob("*-20*.yaml"))
)
def test_every_plans_live_cabinet_summary_downloads_as_one_page(client, all_plans, db, slug):
    plan = Plan.objects.get(slug=slug)
    reader = read(client.get(reverse("plan_summary_pdf", args=[slug])))
    assert len(reader.pages) == 1
    words = text(reader.pages[0])
    assert title(reader).startswith(f"Cabinet summary {plan.department.name} {plan.year_label}, as at ")
    assert "Page 1 of 1" in words and title(reader) in words
    for kpi in plan.kpis.all():
        latest = kpi.assessment().value
        if latest is not None:
            assert latest.printed.strip()[:10] in words, (slug, kpi.key)
    # The page links to its PDF.
    assert reverse("plan_summary_pdf", args=[slug]) in client.get(reverse("plan_summary", args=[slug])).content.decode()


def test_the_pack_pdf_carries_its_name_date_and_page_numbers_on_every_page(client, pack):
    reader = read(client.get(reverse("report_pack_pdf", args=[pack.slug])))
    pages = [text(p) for p in reader.pages]
    # The overview and exception report, then a page or more per department, then the restatements.
    assert len(pages) >= len(pack.departments) + 2
    assert title(reader) == TITLE
    for n, words in enumerate(pages, 1):
        assert words.count(TITLE) >= 2, n
        assert "Cabinet 11 December 2025" in words
        assert f"Page {n} of {len(pages)}" in words
    everything = " ".join(pages)
    for d in pack.departments:
        assert d["department"] in everything and d["net_budget"] in everything
    assert "63 (November 2024)" in everything  # an off-track Children's Services figure
    assert "Nothing the pack showed has been restated" in pages[-1]
    assert fonts_embedded(reader) == {"Pack-Sans", "Pack-Sans-Bold"}


def test_pdfs_fetch_nothing_from_the_network(settings):
    with pytest.raises(FetchRefused):
        DiskOnlyFetcher().fetch("https://example.com/font.ttf")
    with pytest.raises(FetchRefused):
        DiskOnlyFetcher().fetch("file:///etc/passwd")
    font = DiskOnlyFetcher().fetch("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font, read from disk
