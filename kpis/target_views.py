"""A department's targets page: propose targets for a year's periods (checked and read back before saving),
and copy last year's targets forward in one action. Same permission as the entry form: the department's
lead or an administrator (403 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kpis import selectors, targets
from kpis.models import Kpi, KpiValue
from kpis.target_forms import ReportingForm, target_forms
from kpis.views import _department_for_editing, _plans_for_editing
from plans.parsing import fy_label, fy_of

YEARS_AHEAD = 3  # targets may be set for this financial year and the next two


def _year(raw: str | None, choices: list[int]) -> int:
    try:
        year = int(raw or "")
    except ValueError:
        return choices[0]
    return year if year in choices else choices[0]


@login_required
def department_targets(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: a target form per KPI for the chosen year. POST `check`: every target read back (or its error),
    nothing saved. POST `confirm`: checked again and saved, all or nothing."""
    department = _department_for_editing(request, slug)
    params = request.POST if request.method == "POST" else request.GET
    plan, plans = _plans_for_editing(department, params.get("plan"))
    this_year = fy_of(timezone.localdate())
    years = list(range(this_year, this_year + YEARS_AHEAD))
    year = _year(params.get("year"), years)
    kpis = selectors.plan_kpis(plans=[plan])
    forms = target_forms(kpis=kpis, year=year, data=request.POST if request.method == "POST" else None)
    status, checked = 200, False
    if request.method == "POST":
        if all(f.is_valid() for f in forms):
            entries = [f.entry for f in forms if f.entry is not None]
            if not entries:
                messages.info(request, "No target was entered, so nothing was saved.")
            elif "confirm" in request.POST:
                saved = targets.targets_save(entries=entries, user=request.user)
                messages.success(request, f"{saved} target{'s' if saved != 1 else ''} saved for {fy_label(year)}.")
                url = reverse("department_targets", args=[department.slug])
                return redirect(f"{url}?plan={plan.slug}&year={year}")
            checked = bool(entries)
        else:
            status = 400
    held = {kpi.pk: targets.year_targets(kpi) for kpi in kpis}
    # The targets entered for the year that an approver has not approved yet (or returned): shown, marked.
    drafts: dict[int, list[KpiValue]] = {}
    waiting = KpiValue.objects.drafts().filter(kpi__plan=plan, kind=KpiValue.Kind.TARGET, year=year)
    for draft in waiting.select_related("entered_by").order_by("period", "-entered_at"):
        drafts.setdefault(draft.kpi_id, []).append(draft)
    rows = [
        (
            f,
            sorted((t for (y, _), t in held[f.kpi.pk].items() if y == year), key=lambda t: t.period),
            drafts.get(f.kpi.pk, []),
        )
        for f in forms
    ]
    ctx = {
        "department": department,
        "plan": plan,
        "plans": plans,
        "year": year,
        "year_label": fy_label(year),
        "years": [(y, fy_label(y)) for y in years],
        "rows": rows,
        "checked": checked,
        "has_errors": status == 400,
        "copy_from": fy_label(year - 1),
    }
    return render(request, "kpis/targets.html", ctx, status=status)


@login_required
def targets_copy(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: what would be copied, and a button to confirm. POST: copy, all or nothing, and say how many."""
    department = _department_for_editing(request, slug)
    params = request.POST if request.method == "POST" else request.GET
    plan, _ = _plans_for_editing(department, params.get("plan"))
    this_year = fy_of(timezone.localdate())
    year = _year(params.get("year"), list(range(this_year, this_year + YEARS_AHEAD)))
    url = f"{reverse('department_targets', args=[department.slug])}?plan={plan.slug}&year={year}"
    if request.method == "POST":
        copied = targets.targets_copy_forward(plan=plan, year=year - 1, user=request.user)
        if copied:
            messages.success(
                request,
                f"{copied} target{'s' if copied != 1 else ''} copied from {fy_label(year - 1)} to {fy_label(year)}.",
            )
        else:
            messages.info(
                request,
                f"Nothing to copy: no measure has a {fy_label(year - 1)} target without one for {fy_label(year)}.",
            )
        return redirect(url)
    ctx = {
        "department": department,
        "plan": plan,
        "year_label": fy_label(year),
        "year": year,
        "from_label": fy_label(year - 1),
        "candidates": targets.copy_candidates(plan=plan, year=year - 1),
        "back": url,
    }
    return render(request, "kpis/targets_copy.html", ctx)


@login_required
def department_reporting(request: HttpRequest, slug: str) -> HttpResponse:
    """Each KPI's reporting frequency and due rule, set by the department's lead (or an administrator): all
    saved together, or nothing."""
    department = _department_for_editing(request, slug)
    params = request.POST if request.method == "POST" else request.GET
    plan, plans = _plans_for_editing(department, params.get("plan"))
    kpis = list(Kpi.objects.filter(plan=plan).order_by("order"))
    data = request.POST if request.method == "POST" else None
    forms = [ReportingForm(data, prefix=f"kpi-{kpi.pk}", kpi=kpi) for kpi in kpis]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        changed = targets.kpis_reporting_set(
            rules={f.kpi.pk: (f.cleaned_data["frequency"], f.cleaned_data["due_working_days"]) for f in forms},
            plan=plan,
        )
        messages.success(request, f"Reporting rules saved: {changed} measure{'s' if changed != 1 else ''} changed.")
        return redirect(f"{reverse('department_reporting', args=[department.slug])}?plan={plan.slug}")
    has_errors = any(f.errors for f in forms)
    ctx = {"department": department, "plan": plan, "plans": plans, "forms": forms, "has_errors": has_errors}
    return render(request, "kpis/reporting.html", ctx, status=400 if has_errors else 200)
