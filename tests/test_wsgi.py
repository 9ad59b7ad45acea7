"""The served process (config/wsgi.py) loads every view and compiles every project template before it freezes
its start-up objects, so the cycle collector's full collections do not re-scan them while pages are built
(the long tail of uncached page times; the figures are in make bench, never in a timed test), and it runs full
collections only after a response has been sent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROBE = """
import gc, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import config.wsgi
from django.template import engines
cached = engines["django"].engine.template_loaders[0].get_template_cache
print(json.dumps({"templates": sorted(cached), "frozen": gc.get_freeze_count()}))
"""


GC_PROBE = """
import gc, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import config.wsgi
from django.core.signals import request_finished
full = []
gc.callbacks.append(lambda phase, info: full.append(1) if phase == "stop" and info["generation"] == 2 else None)
# A page being built: objects it holds until it is sent (each young collection moves them on to the oldest
# generation) and cyclic garbage, enough for hundreds of young collections; CPython's default rule would have run
# full ones among them.
page = []
for n in range(300_000):
    node = {}
    node["self"] = node
    if n % 2:
        page.append(node)
during = len(full)
del page
gen1_since_full = gc.get_count()[2]
request_finished.send(sender=None)  # the response has been sent
after, count = len(full), gc.get_count()[2]
# Small pages: young collections, but little held on to, so (as CPython would) no full collection.
for _ in range(25):
    gc.collect(1)
    request_finished.send(sender=None)
print(json.dumps({"during": during, "pending": gen1_since_full, "after": after, "count": count, "small": len(full)}))
"""


def probe(code: str) -> dict:
    env = {"DATABASE_URL": "postgresql://localhost/unused", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=settings.BASE_DIR, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_served_process_compiles_every_template_and_freezes_them():
    result = probe(PROBE)
    directory = Path(settings.TEMPLATES[0]["DIRS"][0])
    ours = {path.relative_to(directory).as_posix() for path in directory.rglob("*.html")}
    assert ours <= set(result["templates"])
    assert result["frozen"] > 10_000


def test_full_collections_wait_until_the_response_is_sent():
    result = probe(GC_PROBE)
    assert result["during"] == 0 and result["pending"] >= 10  # young collections only while the page was built
    assert result["after"] == 1 and result["count"] == 0  # one full collection once it was sent, counts reset
    assert result["small"] == 1  # none for pages that hold on to little
