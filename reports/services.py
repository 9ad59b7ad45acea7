"""Publishing a report pack: its content frozen from the pages' selectors, and the figures it showed marked."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from plans.models import Council, Role, user_is_admin
from reports.models import PackFigure, ReportPack
from reports.snapshot import council_content


def user_can_publish(user, council: Council | None = None) -> bool:
    """Administrators publish packs, and the approvers of a department (of `council`, when given): the people who
    sign off the figures a pack shows. 1 query (none for anonymous users or superusers)."""
    if user_is_admin(user):
        return True
    if not user.is_authenticated:
        return False
    approvers = Role.objects.filter(user=user, kind=Role.Kind.APPROVER)
    if council is not None:
        approvers = approvers.filter(department__council=council)
    return approvers.exists()


def code_version() -> str:
    """The release that built a pack's content: $RELEASE, else the git commit the code runs from, else ''."""
    release = os.environ.get("RELEASE", "").strip()
    if release:
        return release[:60]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()[:60] if done.returncode == 0 else ""


class PublishError(ValueError):
    """What is wrong with a pack asked for, in words for the form."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@transaction.atomic
def pack_publish(*, council: Council, period: str, meeting_date: dt.date, by, title: str = "") -> ReportPack:
    """Freeze what the council overview and each department's summary show now as a pack, and mark each figure it
    showed (PackFigure) so that changing one later needs a reason. All or nothing."""
    period = period.strip()
    if not period:
        raise PublishError("period", "Enter the reporting period, for example Q2 2025-26")
    if len(period) > 60:
        raise PublishError("period", "The reporting period must be 60 characters or fewer")
    title = title.strip() or f"{period} — Cabinet {meeting_date.day} {meeting_date:%B %Y}"
    base = slugify(f"{period} cabinet {meeting_date:%Y-%m-%d}")[:100] or "pack"
    slug, n = base, 1
    while ReportPack.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    content = council_content(council=council)
    if not content["departments"]:
        raise PublishError("council", f"{council.name} has no plans loaded: there is nothing to publish")
    pack = ReportPack.objects.create(
        council=council,
        slug=slug,
        title=title[:200],
        period=period,
        meeting_date=meeting_date,
        published_by=by,
        published_at=timezone.now(),
        code_version=code_version(),
        content=content,
    )
    PackFigure.objects.bulk_create(
        PackFigure(pack=pack, plan_slug=m["plan_slug"], kpi_key=m["key"], year=m["year"] or 0) for m in pack.measures
    )
    return pack
