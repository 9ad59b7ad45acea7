from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kpis.models import Kpi, KpiValue, Measure
from plans import selectors
from plans.models import Deliverable


def home(request: HttpRequest) -> HttpResponse:
    ctx = {"departments": selectors.departments_with_plans()}
    return render(request, "plans/home.html", ctx)


def department(request: HttpRequest, slug: str) -> HttpResponse:
    ctx = {"department": selectors.department_get(slug=slug)}
    return render(request, "plans/department.html", ctx)


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    ctx = {"plan": plan, **selectors.plan_sections(plan=plan)}
    return render(request, "plans/plan.html", ctx)


def deliverable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Deliverable.objects.select_related("plan__department", "parent", "objective__outcome"),
        plan__slug=slug, pk=pk,
    )
    ctx = {"plan": item.plan, "item": item, "sub_actions": list(item.sub_actions.all())}
    return render(request, "plans/deliverable.html", ctx)


def kpi(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    item = get_object_or_404(
        Kpi.objects.select_related("plan__department", "measure__department").prefetch_related(
            Prefetch("values", queryset=KpiValue.objects.order_by("order"))),
        plan__slug=slug, key=key,
    )
    ctx = {"plan": item.plan, "kpi": item, "table": selectors.kpi_table([item]),
           "siblings": list(item.measure.kpis.select_related("plan").exclude(pk=item.pk))}
    return render(request, "plans/kpi.html", ctx)


def measure(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    item = get_object_or_404(Measure.objects.select_related("department"), department__slug=slug, key=key)
    values = (KpiValue.objects.filter(kpi__measure=item).select_related("kpi__plan")
              .order_by("year", "kind", "kpi__plan__financial_year"))
    ctx = {"measure": item, "values": list(values),
           "kpis": list(item.kpis.select_related("plan").order_by("plan__financial_year"))}
    return render(request, "plans/measure.html", ctx)
