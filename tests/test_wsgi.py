"""The served process (config/wsgi.py) loads every view and compiles every project template before it freezes
its start-up objects, so the cycle collector's full collections do not re-scan them while pages are built
(the long tail of uncached page times; the figures are in make bench, never in a timed test)."""

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


def test_the_served_process_compiles_every_template_and_freezes_them():
    env = {"DATABASE_URL": "postgresql://localhost/unused", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=settings.BASE_DIR, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    directory = Path(settings.TEMPLATES[0]["DIRS"][0])
    ours = {path.relative_to(directory).as_posix() for path in directory.rglob("*.html")}
    assert ours <= set(probe["templates"])
    assert probe["frozen"] > 10_000
