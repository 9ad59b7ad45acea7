"""Signing off entered figures: what awaits a department's approver, approving or returning entries (every step
recorded as an ApprovalEvent), and the drafts the KPI page shows the department's leads and approvers. The
states and the visibility rule itself are in kpis/signoff.py."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kpis.models import ApprovalEvent, Kpi, KpiValue
from kpis.services import kpis_assess
from plans.models import Department, user_can_approve, user_sees_drafts


class ApprovalRefused(Exception):
    """Nothing was decided: the message says why; `field` names the form field it is about."""

    def __init__(self, message: str, field: str = "entries"):
        self.field = field
        super().__init__(message)


def awaiting_entries(*, department: Department) -> list[KpiValue]:
    """The department's entries awaiting approval, by plan and measure, oldest entry first, with who entered
    them. 1 query."""
    return list(
        KpiValue.objects.filter(kpi__plan__department=department, source="entry", approval=KpiValue.Approval.AWAITING)
        .select_related("kpi__plan", "entered_by")
        .order_by("-kpi__plan__financial_year", "kpi__order", "year", "entered_at", "pk")
    )


def _label(value: KpiValue) -> str:
    return f"{value.kpi.description} ({value.get_kind_display().lower()} {value.year_label}: {value.printed})"


@transaction.atomic
def entries_decide(*, department: Department, ids: list[int], approve: bool, reason: str, by) -> list[KpiValue]:
    """Approve, or return with a reason, the selected entries of a department, all or nothing. Refused
    (ApprovalRefused) when nothing is selected, a return has no reason, an entry is not this department's or
    no longer awaits approval, or the approver entered one of them: nobody approves their own entry.
    Approving assesses the KPIs' stored status again, so lists show the approved figure at once."""
    reason = reason.strip()
    if not ids:
        raise ApprovalRefused("Select the figures to approve or return")
    if not approve and not reason:
        raise ApprovalRefused("Give the reason for returning the figures, so the lead can correct them", "reason")
    # Locked, so two approvers deciding at once cannot both decide the same entry.
    values = list(
        KpiValue.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, kpi__plan__department=department, source="entry")
        .select_related("kpi", "decided_by")
        .order_by("pk")
    )
    if len(values) != len(set(ids)):
        raise ApprovalRefused(f"A selected figure is not an entry of {department.name}. Nothing was decided")
    for value in values:
        if value.approval != KpiValue.Approval.AWAITING:
            who = value.decided_by.get_username() if value.decided_by else "someone"
            raise ApprovalRefused(
                f"{_label(value)} was already {value.get_approval_display().lower()} by {who}. Nothing was decided"
            )
        if approve and value.entered_by_id == by.pk:
            raise ApprovalRefused(
                f"You entered {_label(value)} yourself: another approver must approve it. Nothing was approved"
            )
    now = timezone.now()
    for value in values:
        value.approval = KpiValue.Approval.APPROVED if approve else KpiValue.Approval.RETURNED
        value.decided_by, value.decided_at, value.return_reason = by, now, "" if approve else reason
    KpiValue.objects.bulk_update(values, ["approval", "decided_by", "decided_at", "return_reason"])
    step = ApprovalEvent.Step.APPROVED if approve else ApprovalEvent.Step.RETURNED
    ApprovalEvent.objects.bulk_create(
        ApprovalEvent(value=v, step=step, by=by, at=now, old=v.previous_printed, new=v.printed, reason=reason)
        for v in values
    )
    if approve:
        kpis_assess(kpis=Kpi.objects.filter(pk__in={v.kpi_id for v in values}))
    return values


def kpi_drafts(*, kpi: Kpi, user) -> dict:
    """What the KPI page adds for the department's leads and approvers and for administrators: the entries not
    yet approved (awaiting, or returned with the reason) and every sign-off step of the KPI's entries, newest
    first. Nothing, and 1 query at most, for anyone else: the public never sees a draft."""
    department = kpi.plan.department
    if not user_sees_drafts(user, department):
        return {"sees_drafts": False}
    drafts = KpiValue.objects.drafts().filter(kpi=kpi).select_related("entered_by", "decided_by")
    steps = ApprovalEvent.objects.filter(value__kpi=kpi).select_related("by", "value")
    return {
        "sees_drafts": True,
        "drafts": list(drafts.order_by("-entered_at", "-pk")),
        "sign_off_steps": list(steps.order_by("-at", "-pk")),
        "can_approve": user_can_approve(user, department),
    }
