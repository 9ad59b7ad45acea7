"""PDFs made on the server with WeasyPrint: fonts embedded from disk, nothing fetched over the network."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

# DejaVu Sans from Debian's fonts-dejavu-core (make pdf-libs installs it): print/PDF CSS names it by file path.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class FetchRefused(ValueError):
    pass


class DiskOnlyFetcher(URLFetcher):
    """Serves only our static files and the font files from disk; refuses every other address (no network)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["file"], allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://")).resolve()
            allowed = [FONT_DIR.resolve(), *(Path(d).resolve() for d in finders_roots())]
            if any(path.is_relative_to(root) for root in allowed):
                return super().fetch(url, headers)
        raise FetchRefused(f"PDF rendering fetches nothing from {url[:80]!r}")


def finders_roots() -> list[str]:
    roots = [str(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    return roots + [str(d) for d in getattr(settings, "STATICFILES_DIRS", [])]


def static_path(name: str) -> str:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(name)
    return Path(found if isinstance(found, str) else found[0]).resolve().as_uri()


def pdf_bytes(*, template: str, ctx: dict, request: HttpRequest | None = None) -> bytes:
    html = render_to_string(template, {**ctx, "pdf_css": static_path("css/pdf.css")}, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=DiskOnlyFetcher()).write_pdf()


def pdf_response(*, template: str, ctx: dict, filename: str, request: HttpRequest | None = None) -> HttpResponse:
    response = HttpResponse(pdf_bytes(template=template, ctx=ctx, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
