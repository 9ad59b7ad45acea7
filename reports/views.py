import datetime as dt
from itertools import zip_longest

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from plans import selectors as plan_selectors
from reports.forms import PublishForm
from reports.models import ReportPack
from reports.pdf import pdf_response
from reports.restatements import compare_packs, restated_since
from reports.services import PublishError, pack_publish, user_can_publish
from reports.snapshot import council_content, plan_content


def _pack(slug: str) -> ReportPack:
    return get_object_or_404(ReportPack.objects.select_related("council", "published_by"), slug=slug)


def _department(pack: ReportPack, dept: str) -> dict:
    found = pack.department(dept)
    if found is None:
        raise Http404("This pack holds no such department")
    return found


def _exceptions(departments: list[dict]) -> list[dict]:
    """Off-track or worsening measures, off track first (the pack's own order within each status)."""
    rows = [m for d in departments for m in d["measures"] if m["exception"]]
    return sorted(rows, key=lambda m: m["status"] != "off_track")


def pack_list(request: HttpRequest) -> HttpResponse:
    packs = list(ReportPack.objects.select_related("council", "published_by").defer("content"))
    ctx = {"packs": packs, "can_publish": user_can_publish(request.user)}
    return render(request, "reports/pack_list.html", ctx)


def _pack_ctx(pack: ReportPack) -> dict:
    return {"pack": pack, "content": pack.content, "exceptions": _exceptions(pack.departments)}


def pack_detail(request: HttpRequest, slug: str) -> HttpResponse:
    pack = _pack(slug)
    return render(request, "reports/pack.html", {**_pack_ctx(pack), "restated": restated_since(pack=pack)})


def pack_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    pack = _pack(slug)
    ctx = {**_pack_ctx(pack), "restated": restated_since(pack=pack), "doc_title": pack.title}
    return pdf_response(template="reports/pack_pdf.html", ctx=ctx, filename=f"{pack.slug}.pdf", request=request)


def _pairs(d: dict) -> list[tuple[dict | None, dict | None]]:
    """A department's measures two to a row (the first half down the left), for its one-page landscape scorecard."""
    half = (len(d["measures"]) + 1) // 2
    return list(zip_longest(d["measures"][:half], d["measures"][half:]))


def pack_department(request: HttpRequest, slug: str, dept: str) -> HttpResponse:
    pack = _pack(slug)
    return render(request, "reports/department.html", {"pack": pack, "d": _department(pack, dept)})


def pack_department_pdf(request: HttpRequest, slug: str, dept: str) -> HttpResponse:
    pack = _pack(slug)
    d = _department(pack, dept)
    ctx = {
        "pack": pack,
        "d": d,
        "pairs": _pairs(d),
        "doc_title": f"{d['department']}: {pack.title}",
        "running": pack.title,
    }
    name = f"{pack.slug}-{d['department_slug']}.pdf"
    return pdf_response(template="reports/department_pdf.html", ctx=ctx, filename=name, request=request)


def summary_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The live cabinet summary of one plan as a one-page scorecard PDF (figures as they stand today)."""
    plan = plan_selectors.plan_get(slug=slug)
    d = plan_content(plan=plan)
    today = timezone.localdate()
    running = f"Cabinet summary {d['department']} {d['plan_year']}, as at {today:%-d %B %Y}"
    ctx = {"pack": None, "d": d, "pairs": _pairs(d), "doc_title": running, "running": running, "today": today}
    return pdf_response(template="reports/department_pdf.html", ctx=ctx, filename=f"{plan.slug}-summary.pdf")


def exceptions_live(request: HttpRequest) -> HttpResponse:
    council = plan_selectors.council_get(slug=request.GET.get("council"))
    departments = council_content(council=council)["departments"] if council else []
    ctx = {"council": council, "exceptions": _exceptions(departments), "today": timezone.localdate()}
    return render(request, "reports/exceptions.html", ctx)


def compare(request: HttpRequest) -> HttpResponse:
    packs = list(ReportPack.objects.defer("content"))
    first_slug, second_slug = request.GET.get("from", ""), request.GET.get("to", "")
    ctx: dict = {"packs": packs, "first_slug": first_slug, "second_slug": second_slug, "error": ""}
    if first_slug or second_slug:
        found = {p.slug: p for p in ReportPack.objects.filter(slug__in=[first_slug, second_slug])}
        if first_slug not in found or second_slug not in found:
            ctx["error"] = "Choose two published packs from the lists"
        else:
            first, second = found[first_slug], found[second_slug]
            ctx.update(first=first, second=second, **compare_packs(first=first, second=second))
    return render(request, "reports/compare.html", ctx)


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    councils = plan_selectors.councils_in_order()
    council = councils[0] if councils else None
    if not user_can_publish(request.user, council):
        raise PermissionDenied("Only administrators and approvers publish report packs")
    form = PublishForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = next((c for c in councils if c.slug == data.get("council")), council)
        try:
            if chosen is None:
                raise PublishError("council", "No council is loaded: there is nothing to publish")
            pack = pack_publish(
                council=chosen, period=data["period"], meeting_date=data["meeting_date"], by=request.user
            )
        except PublishError as e:
            form.add_error(e.field if e.field in form.fields else None, str(e))
        else:
            messages.success(request, f"Published “{pack.title}”. It will not change.")
            return redirect(pack)
    today = dt.date.today()
    return render(request, "reports/publish.html", {"form": form, "today": today, "council": council})
