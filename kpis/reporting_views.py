"""The reporting round's overview pages: "My updates" (a lead's due, overdue and done figures across the
departments they lead) and the performance team's page (who has not reported, per department). Selectors in
kpis/reporting.py; the same items the reminders email (kpis/reminders.py)."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kpis import reporting
from plans.models import Role


@never_cache  # a signed-in user's own list
@login_required
def my_updates(request: HttpRequest) -> HttpResponse:
    departments = reporting.led_departments(user=request.user)
    today = timezone.localdate()
    items = reporting.items(departments=departments, today=today)
    counts = {state: sum(1 for i in items if i.state == state) for state in reporting.STATE_LABELS}
    ctx = {"items": items, "counts": counts, "today": today, "leads_any": departments.exists()}
    return render(request, "kpis/my_updates.html", ctx)


@never_cache
@login_required
def performance_team(request: HttpRequest) -> HttpResponse:
    """Administrators and approvers only (403 for everyone else)."""
    user = cast(User, request.user)  # login_required: signed in
    team = Role.objects.filter(user=user, kind__in=[Role.Kind.ADMIN, Role.Kind.APPROVER])
    if not (user.is_superuser or team.exists()):
        raise PermissionDenied
    today = timezone.localdate()
    return render(request, "kpis/reporting_team.html", {"rows": reporting.lateness(today=today), "today": today})
