import gc
import os

from django.conf import settings
from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application
from django.template import engines
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def warm_up() -> None:
    """Import every view (the URLconf) and compile every project template now rather than on first use, so that
    they are among the start-up objects frozen below."""
    get_resolver().url_patterns  # noqa: B018 - reading it imports every view module
    engine = engines["django"]
    directory = settings.BASE_DIR / "templates"  # the one project template folder (settings.TEMPLATES DIRS)
    for path in sorted(directory.rglob("*.html")):
        engine.get_template(path.relative_to(directory).as_posix())


# Objects made while starting up (Django, the settings, the apps, the views and the compiled templates) are moved
# out of the cycle collector's way, so its full collections stop re-scanning them on every page build. Frozen
# before the views and templates were loaded, a full collection still added 60-100 ms to about one request in
# twenty on the larger uncached pages (the KPI list's p95 145 ms against a p50 of 46 ms, measured in-process);
# frozen after, 84 ms. The thresholds stay as they are: raising them cut the tails further, but a worker grew
# 39 MB in a 10-minute soak with them. Served processes only (gunicorn and runserver load this module).
warm_up()
gc.collect()
gc.freeze()

# A full collection scans everything the process holds, the page being built included: 15-60 ms on this machine,
# in about one large uncached page in ten (the plan page's p95 was its p50 plus one of them). So full collections
# wait until a response has been sent: the collector still runs young collections while a page is built (memory
# stays bounded during a long download), and Django's request_finished (sent when the server closes the response,
# after its last byte) runs the full collection when CPython's own rule would have: ten older-generation
# collections since the last check, and the objects held in the oldest generation grown by more than a quarter
# since the last full collection (so a run of small cached pages, which hold on to little, rarely pays for one).
# The process does the same work; a reader no longer waits for it.
FULL_COLLECTION_AFTER = gc.get_threshold()[2]  # older-generation collections between checks (default 10)
_oldest = {"held": 0, "checked_at": 0}  # objects in the oldest generation after the last full collection


def collect_after_response(**kwargs: object) -> None:
    older = gc.get_stats()[1]["collections"]
    if older - _oldest["checked_at"] < FULL_COLLECTION_AFTER:
        return
    _oldest["checked_at"] = older
    if len(gc.get_objects(generation=2)) - _oldest["held"] > _oldest["held"] // 4:
        gc.collect()
        _oldest["held"] = len(gc.get_objects(generation=2))


gc.set_threshold(*gc.get_threshold()[:2], 2**30)  # never while a page is built (CPython counts up to this)
request_finished.connect(collect_after_response, dispatch_uid="config.wsgi.collect_after_response")
