"""The HTTP client the benchmark and the soak use as browsers (perf/bench.py, perf/soak.py): cookies and CSRF,
signing in, and reading a page's forms to post them back as a browser would. Only the standard library, so
nothing is added to requirements.lock."""

from __future__ import annotations

import gzip
import http.client
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.core.management.base import CommandError

from perf.timings import Timing, server_timing


class _FormParser(HTMLParser):
    """Every <form> of a page with its named fields as a browser would submit them unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "image", "file"}:
                fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option = value
            if self._select_first is None:
                self._select_first = value or ""
            if "selected" in a:
                fields[self._select] = value or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            self.forms[-1]["fields"].setdefault(self._select, self._select_first or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def html_forms(html: str) -> list[dict]:
    """[{"action": ..., "method": "post", "fields": {name: value}}] for every form in `html`."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def post_form(html: str, *, field_prefix: str = "") -> dict[str, str]:
    """The fields of the page's first POST form (that has a field starting with `field_prefix`)."""
    for form in html_forms(html):
        if form["method"] == "post" and any(name.startswith(field_prefix) for name in form["fields"]):
            return dict(form["fields"])
    raise ValueError(f"no POST form with a field starting {field_prefix!r}")


# -- HTTP client ---------------------------------------------------------------------------------------------

# What Chromium sends: the app compresses CSV downloads for it (plans.tables); nothing else the app serves is coded.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_ms: float
    chunked: bool

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def timing(self) -> Timing | None:
        return server_timing(self.headers.get("server-timing", ""))


@dataclass
class Client:
    """One browser: its own cookies (session, CSRF), one request at a time, redirects not followed."""

    host: str
    port: int
    timeout: float = 120.0
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None) -> Response:
        body = urlencode(data or {}, doseq=True).encode() if method == "POST" else None
        sent = {
            "Host": f"{self.host}:{self.port}",
            "User-Agent": "service-plan-bench",
            "Accept-Encoding": ACCEPT_ENCODING,
            **({"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}),
            **(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{self.host}:{self.port}"}
                if body is not None
                else {}
            ),
            **(headers or {}),
        }
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            content = raw.read()
            elapsed = (time.perf_counter() - start) * 1000
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or not morsel.value:  # Django deletes a cookie so
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            headers = {k.lower(): v for k, v in raw.getheaders()}
            coding = headers.get("content-encoding", "identity")
            if coding == "gzip":
                content = gzip.decompress(content)
            elif coding != "identity":
                raise CommandError(f"{method} {path}: a response coded {coding!r}, which this client cannot read")
            return Response(
                raw.status, headers, content, elapsed, chunked=headers.get("transfer-encoding", "").lower() == "chunked"
            )
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> None:
        """Sign in through the real sign-in page, with its CSRF token."""
        page = self.get("/accounts/login/")
        token = post_form(page.text, field_prefix="csrfmiddlewaretoken")["csrfmiddlewaretoken"]
        answer = self.post(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise CommandError(f"Signing in as {username} failed: HTTP {answer.status}")
