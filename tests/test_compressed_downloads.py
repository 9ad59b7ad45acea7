"""A CSV download (a table's, or the API's tidy figures) is sent gzip-compressed to a client that accepts it
(every browser says so in Accept-Encoding), whether it is made afresh or served from the kept file; it
decompresses to exactly the bytes a client that accepts no compression gets. An Excel workbook, a zip already,
is never compressed again."""

import gzip

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from plans.tables import accepts_gzip

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}  # what Chromium sends


def varies_by_encoding(response) -> bool:
    return "Accept-Encoding" in {name.strip() for name in response.get("Vary", "").split(",")}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", True),
        ("GZip;Q=0.8", True),
        ("x-gzip", True),
        ("br;q=1.0, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_it_reads_accept_encoding_as_http_defines_it(rf, header, expected):
    assert accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=header)) is expected


def test_no_accept_encoding_means_no_compression(rf):
    assert accepts_gzip(rf.get("/")) is False


def test_a_fresh_csv_is_compressed_for_a_browser_and_plain_for_anyone_else(client, all_plans):
    url = reverse("deliverable_list")
    plain = client.get(url, {"_export": "csv", "sort": "title"})
    assert not plain.has_header("Content-Encoding") and varies_by_encoding(plain)
    text = plain.getvalue()
    packed = client.get(url, {"_export": "csv", "sort": "title"}, **BROWSER)
    assert packed.streaming and packed["Content-Encoding"] == "gzip" and varies_by_encoding(packed)
    assert packed["Content-Type"] == "text/csv; charset=utf-8"
    assert packed["Content-Disposition"] == 'attachment; filename="deliverables.csv"'
    body = packed.getvalue()
    assert gzip.decompress(body) == text and len(body) * 3 < len(text)


def test_an_excel_download_is_never_compressed_again(client, all_plans):
    response = client.get(reverse("deliverable_list"), {"_export": "xlsx"}, **BROWSER)
    assert not response.has_header("Content-Encoding") and not varies_by_encoding(response)
    assert response.getvalue().startswith(b"PK")


@pytest.fixture
def kept_downloads(settings, tmp_path):
    settings.PAGE_CACHE = True
    settings.EXPORT_CACHE_DIR = tmp_path
    cache.clear()
    yield tmp_path
    cache.clear()


def test_a_kept_csv_has_a_gzip_copy_served_to_browsers(kept_downloads, all_plans):
    url = reverse("deliverable_list")
    first = Client().get(url, {"_export": "csv"}, **BROWSER)
    assert first.streaming and first["Content-Encoding"] == "gzip"
    text = gzip.decompress(first.getvalue())
    (kept,) = kept_downloads.glob("*-csv/deliverables.csv")
    assert kept.read_bytes() == text and gzip.decompress(kept.with_name("deliverables.csv.gz").read_bytes()) == text
    # Served from the kept files, to a browser and to a client without compression.
    again = Client().get(url, {"_export": "csv"}, **BROWSER)
    assert again["Content-Encoding"] == "gzip" and varies_by_encoding(again)
    assert int(again["Content-Length"]) == kept.with_name("deliverables.csv.gz").stat().st_size
    assert 'filename="deliverables.csv"' in again["Content-Disposition"]
    assert gzip.decompress(again.getvalue()) == text
    plain = Client().get(url, {"_export": "csv"})
    assert not plain.has_header("Content-Encoding") and varies_by_encoding(plain)
    assert int(plain["Content-Length"]) == len(text) and plain.getvalue() == text


def test_an_abandoned_compressed_download_leaves_nothing(kept_downloads, all_plans):
    response = Client().get(reverse("deliverable_list"), {"_export": "csv"}, **BROWSER)
    next(iter(response.streaming_content))
    response.close()  # the browser went away mid-download
    assert list(kept_downloads.iterdir()) == []


def test_a_csv_kept_before_compression_gets_its_gzip_copy_when_a_browser_asks(kept_downloads, all_plans):
    """A file kept by an earlier release (no copy beside it) is compressed once, on the first browser's request."""
    url = reverse("deliverable_list")
    text = Client().get(url, {"_export": "csv"}).getvalue()
    (packed,) = kept_downloads.glob("*-csv/deliverables.csv.gz")
    packed.unlink()
    assert Client().get(url, {"_export": "csv"}).getvalue() == text and not packed.exists()  # plain: none made
    response = Client().get(url, {"_export": "csv"}, **BROWSER)
    assert response["Content-Encoding"] == "gzip" and gzip.decompress(response.getvalue()) == text
    assert gzip.decompress(packed.read_bytes()) == text
    assert sorted(p.name for p in kept_downloads.rglob("*")) == sorted(
        [packed.parent.name, "deliverables.csv", "deliverables.csv.gz"]
    )  # no temporary file left behind


def test_the_apis_tidy_csv_is_compressed_for_a_browser_too(client, all_plans):
    url = "/api/v1/kpi-figures.csv"
    plain = client.get(url, {"plan": "cs-2022-23"})
    packed = client.get(url, {"plan": "cs-2022-23"}, **BROWSER)
    assert not plain.has_header("Content-Encoding") and packed["Content-Encoding"] == "gzip"
    assert packed["Content-Disposition"] == 'attachment; filename="kpi-figures-derbyshire.csv"'
    vary = {name.strip() for name in packed["Vary"].split(",")}
    assert {"Accept-Encoding", "Authorization", "Cookie"} <= vary  # the API's own Vary is kept beside it
    text = plain.getvalue()
    assert gzip.decompress(packed.getvalue()) == text and text.count(b"\n") > 50
