"""The versions of the data pages show (the page cache's keys) and the fingerprint of the last fixture load."""

from __future__ import annotations

import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models


def new_epoch() -> str:
    return secrets.token_hex(8)


class DataVersion(models.Model):
    """The versions of the data pages show: one row per council whose data has been written (`scope` = the
    council's id) and one global row (scope 0) for writes that belong to no one council (users, roles, shared
    measures, a TRUNCATE). Cached pages and kept downloads are keyed by the global version plus the versions of
    the councils they show (`key()`), so a write makes exactly those pages stale, on every app server.

    Nothing in Python moves these numbers: a statement-level trigger on every table that feeds a page does,
    inside the writing transaction (plans/migrations/0009_data_version_triggers.py), so the forms, the admin
    site, management commands, the fixture loader and raw SQL all move them alike. Each row's epoch is made
    with the row, so a database dropped and loaded again (whose versions count up from 1 again) never shares
    a key with the one before it."""

    GLOBAL = 0

    scope = models.BigIntegerField(default=GLOBAL, unique=True)
    version = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=16, default=new_epoch)

    def __str__(self) -> str:
        return f"scope {self.scope}: version {self.version}"

    @classmethod
    def current(cls, council_id: int = GLOBAL) -> int:
        """One scope's version number (the global one by default). 1 query."""
        return cls.objects.filter(scope=council_id).values_list("version", flat=True).first() or 0

    @classmethod
    def key(cls, *, plan_slug: str | None = None, department_slug: str | None = None) -> str:
        """The cache key of the data a page shows, "<epoch>.<version>", over the global scope and the council
        of the plan or department named (every council with a department of that slug), or every council when
        neither is named: the epoch is a digest of those rows' epochs, the version the sum of their versions.
        Each version only grows, so for one set of rows the sum grows with every write to any of them.
        1 query, written as SQL: every page served from the cache pays it. The council is looked up in the same
        statement, so a plan that moves council is keyed anew."""
        table = connection.ops.quote_name(cls._meta.db_table)
        if plan_slug is not None:
            where, params = (
                (
                    "WHERE scope = 0 OR scope IN (SELECT d.council_id FROM plans_plan p JOIN plans_department"
                    " d ON d.id = p.department_id WHERE p.slug = %s)"
                ),
                [plan_slug],
            )
        elif department_slug is not None:
            where, params = (
                "WHERE scope = 0 OR scope IN (SELECT council_id FROM plans_department WHERE slug = %s)",
                [department_slug],
            )
        else:
            where, params = "", []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT substr(md5(string_agg(epoch, '.' ORDER BY scope)), 1, 16), sum(version) FROM {table} {where}",
                params,
            )
            row = cursor.fetchone()
        return f"{row[0]}.{row[1]}" if row and row[0] else "none.0"

    @classmethod
    def bump(cls) -> None:
        """Move the global version by hand (every cached page goes stale). Writes to the database need not
        call it: the triggers do. 1 query."""
        if not cls.objects.filter(scope=cls.GLOBAL).update(version=models.F("version") + 1):
            cls.objects.get_or_create(scope=cls.GLOBAL, defaults={"version": 1})


class LoadFingerprint(models.Model):
    """What the last full fixture load read (loader.services.fixtures_fingerprint: the fixture files, the source
    documents, the loader's code, the applied migrations) and the plans it wrote. One row. Kept in the database
    it describes, so a different or recreated database never sees it and loads again."""

    fingerprint = models.CharField(max_length=64)
    plans = ArrayField(models.CharField(max_length=100), default=list)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]
