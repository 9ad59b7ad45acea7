import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Python's cycle collector ran often enough on a page build (tens of thousands of short-lived objects) to add
# 60-120 ms to one request in twenty on the larger pages (the benchmark's p95 against its p50). Objects made while
# starting up are moved out of its way, and it runs after 20,000 new objects rather than 700. Served processes
# only: tests and management commands keep the defaults.
gc.freeze()
gc.set_threshold(20_000, 10, 10)
