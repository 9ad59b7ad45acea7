"""Starting the test OpenID provider for a test session: tests/oidc_provider/serve.py as a subprocess on a free
loopback port, waited for until its discovery document answers, stopped afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

SERVE = Path(__file__).resolve().parent / "serve.py"


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    password: str = PASSWORD


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_provider(app_urls: list[str]) -> Iterator[Provider]:
    port = free_port()
    # Its own database beside the tests' one (TEST_DATABASE_NAME keeps parallel runs apart the same way).
    database = os.environ.get("TEST_DATABASE_NAME", "test_app") + "_oidc_provider"
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(OIDC_PROVIDER_PORT=str(port), OIDC_PROVIDER_DATABASE=database, OIDC_APP_URLS=",".join(app_urls))
    log = tempfile.NamedTemporaryFile("w+", prefix="oidc-provider-", suffix=".log", delete=False)
    process = subprocess.Popen([sys.executable, str(SERVE)], env=env, stdout=log, stderr=subprocess.STDOUT)
    provider = Provider(issuer=f"http://127.0.0.1:{port}/openid")
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The test OpenID provider did not start:\n{Path(log.name).read_text()}")
            time.sleep(0.3)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        os.unlink(log.name)
