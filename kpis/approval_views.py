"""The approvals page of a department: its approvers (and administrators) approve what the leads entered, or
return it with a reason. Only then does the public see it (kpis/signoff.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from kpis import approvals
from plans.models import Department, user_can_approve


def _department_for_approving(request: HttpRequest, slug: str) -> Department:
    """The department, if the signed-in user approves for it: 404 for an unknown department, 403 otherwise."""
    department = get_object_or_404(Department, slug=slug)
    if not user_can_approve(request.user, department):
        raise PermissionDenied
    return department


def _ids(values: list[str]) -> list[int]:
    """The selected entries' ids; a tampered value selects nothing (and is refused as not this department's)."""
    return [int(v) if v.isdigit() else 0 for v in values]


@login_required
def department_approvals(request: HttpRequest, slug: str) -> HttpResponse:
    department = _department_for_approving(request, slug)
    error, status = None, 200
    selected = set(request.POST.getlist("entries"))
    if request.method == "POST":
        approve = request.POST.get("action") != "return"
        try:
            decided = approvals.entries_decide(
                department=department,
                ids=_ids(request.POST.getlist("entries")),
                approve=approve,
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except approvals.ApprovalRefused as exc:
            error, status = exc, 400
        else:
            n = len(decided)
            figures = f"{n} figure{'s' if n != 1 else ''}"
            if approve:
                messages.success(request, f"Approved: {figures} now shown to the public.")
            else:
                messages.success(request, f"Returned: {figures} sent back to the lead with your reason.")
            return redirect(reverse("department_approvals", args=[department.slug]))
    ctx = {
        "department": department,
        "awaiting": approvals.awaiting_entries(department=department),
        "error": error,
        "selected": selected,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "kpis/approvals.html", ctx, status=status)
