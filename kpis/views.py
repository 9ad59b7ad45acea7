from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from kpis import approvals, page_tables, selectors, services, uploads
from kpis.charts import history_figure
from kpis.filters import KpiFilter
from kpis.forms import entry_forms as build_entry_forms
from kpis.models import Benchmark, Kpi, KpiValue, Measure
from kpis.selectors import kpi_table
from kpis.tables import KpiTable, with_status_order
from kpis.variation_chart import kpi_variation
from plans.models import Department, Plan, user_can_edit
from plans.page_table import by_name, page_export
from plans.tables import PER_PAGE, table_export


def kpi(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    item = get_object_or_404(
        Kpi.objects.select_related("plan__department", "measure__department").prefetch_related(
            Prefetch(
                "values",
                queryset=KpiValue.objects.published().select_related("entered_by").order_by("order", "entered_at"),
            ),
            Prefetch("benchmarks", queryset=Benchmark.objects.select_related("entered_by")),
        ),
        plan__slug=slug,
        key=key,
    )
    history = selectors.measure_history(measure=item.measure)
    entries = sorted(
        (v for v in item.values.all() if v.is_entry and v.kind != KpiValue.Kind.TARGET),  # targets: their own list
        key=lambda v: v.entry_time(),
        reverse=True,
    )
    figure = history_figure(history, unit=item.unit)
    assessment = item.assessment()
    spc = kpi_variation(kpi=item, history=history, assessment=assessment)
    tables = page_tables.kpi_tables(kpi=item, entries=entries, history=history, charted=bool(figure)) + spc.tables
    export = page_export(request, tables, stem=f"{item.plan.slug}-{item.key}")
    if export is not None:
        return export
    ctx = {
        "plan": item.plan,
        "kpi": item,
        "assessment": assessment,
        "spc": spc,
        "table": kpi_table([item]),
        "entries": entries,
        "entered_targets": sorted(
            (v for v in item.values.all() if v.is_entry and v.kind == KpiValue.Kind.TARGET),
            key=lambda v: (v.period_of.sort_key, v.entry_time()),
        ),
        "benchmarks": list(item.benchmarks.all()),
        "can_edit": user_can_edit(request.user, item.plan.department),
        "history": history,
        "figure": figure,
        "tables": by_name(tables),
        "history_table": tables[1],
        "siblings": list(item.measure.kpis.select_related("plan").exclude(pk=item.pk).order_by("plan__financial_year")),
        # The department's leads and approvers also see the entries not yet approved, apart from these figures.
        **approvals.kpi_drafts(kpi=item, user=request.user),
    }
    return render(request, "kpis/kpi.html", ctx)


def measure(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    item = get_object_or_404(Measure.objects.select_related("department"), department__slug=slug, key=key)
    kpis = list(item.kpis.select_related("plan").order_by("plan__financial_year"))
    history = selectors.measure_history(measure=item)
    unit = kpis[-1].unit if kpis else "count"
    figure = history_figure(history, unit=unit)
    table = page_tables.history_table(history, charted=bool(figure))
    export = page_export(request, [table], stem=f"{item.department.slug}-{item.key}")
    if export is not None:
        return export
    ctx = {"measure": item, "kpis": kpis, "history": history, "figure": figure, "history_table": table}
    return render(request, "kpis/measure.html", ctx)


def kpi_list(request: HttpRequest) -> HttpResponseBase:
    filterset = KpiFilter(request.GET, queryset=Kpi.objects.all())
    kpis = filterset.qs if filterset.is_valid() else Kpi.objects.none()
    table = KpiTable(with_status_order(selectors.kpis_for_list(queryset=kpis)), caption="Key performance measures")
    if (export := table_export(request, table, name="kpis", per_page=PER_PAGE)) is not None:
        return export
    ctx = {"filter": filterset, "table": table, "count": table.paginator.count, "council": filterset.council}
    return render(request, "kpis/kpi_list.html", ctx)


# -- Entering values ---------------------------------------------------------------------------------------------


def _department_for_editing(request: HttpRequest, slug: str) -> Department:
    """The department, if the signed-in user may edit it: 404 for an unknown department, 403 otherwise."""
    department = get_object_or_404(Department, slug=slug)
    if not user_can_edit(request.user, department):
        raise PermissionDenied
    return department


def _plans_for_editing(department: Department, slug: str | None) -> tuple[Plan, list[Plan]]:
    """The plan asked for (default the newest) and every plan of the department with KPIs. 1 query."""
    plans = list(department.plans.filter(kpis__isnull=False).distinct().order_by("-financial_year"))
    if not plans:
        raise Http404("This department has no plan with key performance measures")
    return next((p for p in plans if p.slug == slug), plans[0]), plans


def _plan_for_editing(department: Department, slug: str | None) -> Plan:
    return _plans_for_editing(department, slug)[0]


@never_cache  # entry pages: no copy kept anywhere, not even in the browser (issue 19)
@login_required
def department_update(request: HttpRequest, slug: str) -> HttpResponse:
    department = _department_for_editing(request, slug)
    plan, plans = _plans_for_editing(department, request.GET.get("plan"))
    data = request.POST if request.method == "POST" else None

    def entry_forms() -> list:
        kpis = selectors.plan_kpis(plans=[plan])
        # Each form says who entered the value it shows: load those users in one query, not one per KPI.
        entered = [v for k in kpis for v in k.values.all() if v.entered_by_id]
        people = get_user_model().objects.in_bulk({v.entered_by_id for v in entered}) if entered else {}
        for value in entered:
            value.entered_by = people[value.entered_by_id]
        return build_entry_forms(plan=plan, kpis=kpis, data=data)

    forms = entry_forms()
    conflict = None
    if request.method == "POST" and all(f.is_valid() for f in forms):
        try:
            saved = services.kpi_entries_save(entries=[f.entry() for f in forms], user=request.user)
        except services.EntryConflict as exc:
            # Someone saved between this page's checks and its save. Check the forms again against what is
            # stored now, so the other person's value is shown beside the measure, as for any conflict.
            conflict = exc
            forms = entry_forms()
            if not all(f.is_valid() for f in forms):
                conflict = None
        else:
            if saved:
                messages.success(request, saved_message(saved, department))
            else:
                messages.info(request, "Nothing was entered, so nothing was saved.")
            return redirect(f"{reverse('department_update', args=[department.slug])}?plan={plan.slug}")
    ctx = {
        "department": department,
        "plan": plan,
        "forms": forms,
        "conflict": conflict,
        "plans": plans,
        "has_errors": any(f.errors for f in forms) or conflict is not None,
    }
    return render(request, "kpis/update.html", ctx, status=400 if ctx["has_errors"] else 200)


def saved_message(saved: int, department: Department) -> str:
    figures = f"{saved} figure{'s' if saved != 1 else ''}"
    return f"Saved: {figures} awaiting approval by {department.name}'s approver."


@never_cache
@login_required
def kpi_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the template to download and the upload form. POST a file: a preview of every change and every
    error, nothing written. POST `confirm`: write the previewed rows, all or nothing."""
    department = _department_for_editing(request, slug)
    plan = _plan_for_editing(department, request.GET.get("plan") or request.POST.get("plan"))
    kpis = selectors.plan_kpis(plans=[plan])
    fmt = request.GET.get("template")
    if fmt in {"csv", "xlsx"}:
        template = uploads.template_rows(plan=plan, kpis=kpis)
        body = uploads.template_csv(template) if fmt == "csv" else uploads.template_xlsx(template)
        content_type = (
            "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-kpi-values.{fmt}"'
        return response
    ctx: dict = {"department": department, "plan": plan, "preview": None, "file_error": "", "status": 200}
    if request.method == "POST":
        try:
            if "confirm" in request.POST:
                rows = uploads.rows_from_payload(request.POST.get("payload", ""), plan=plan)
            elif request.FILES.get("file"):
                rows = uploads.read_upload(request.FILES["file"])
            else:
                raise uploads.UploadError("Choose a file to upload")
        except uploads.UploadError as exc:
            ctx.update(file_error=str(exc), status=400)
        else:
            preview = uploads.preview(plan=plan, kpis=kpis, rows=rows)
            ctx["preview"] = preview
            if not preview.ok:
                ctx["status"] = 400
            elif "confirm" in request.POST:
                try:
                    saved = services.kpi_entries_save(entries=[f.entry() for _, f in preview.forms], user=request.user)
                except services.EntryConflict as exc:
                    ctx.update(
                        file_error=f"{exc.kpi.description}: {exc.newest.entrant().get_username()} saved a "
                        "value after you downloaded the template. Nothing was saved. Download the "
                        "template again.",
                        status=409,
                    )
                else:
                    messages.success(request, f"{saved} value{'s' if saved != 1 else ''} saved from the upload.")
                    return redirect(f"{reverse('department_update', args=[department.slug])}?plan={plan.slug}")
            else:
                ctx["payload"] = preview.payload(plan)
    return render(request, "kpis/upload.html", ctx, status=ctx.pop("status"))
