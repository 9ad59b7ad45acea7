"""What is due, overdue and done in the reporting round (issue 16): for each KPI of each department's current
plan, the period containing today and the one before it, in the KPI's frequency (kpis/periods.py), each with
its due date. Read by "My updates" (a lead's departments), the performance team's page (every department) and
the reminders (kpis/reminders.py). A fixed number of queries however many KPIs: values are prefetched.

"Done" means a figure exists for the period: printed, or entered (an entry awaiting approval counts, marked;
an entry returned with a reason does not, since the lead has to enter it again)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from kpis.models import Approval, Kpi, KpiValue
from kpis.periods import Period, long_date, period_containing
from plans.models import Department, Plan, Role

OVERDUE, DUE, DONE = "overdue", "due", "done"
STATE_LABELS = {OVERDUE: "Overdue", DUE: "Due", DONE: "Done"}


@dataclass(frozen=True)
class Item:
    """One KPI's figure for one period: its due date and where it stands today."""

    kpi: Kpi
    period: Period
    due: dt.date
    state: str  # OVERDUE, DUE or DONE
    awaiting: bool = False  # done by an entry that waits for an approver

    @property
    def department(self) -> Department:
        return self.kpi.plan.department

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def due_words(self) -> str:
        return long_date(self.due)

    @property
    def entry_url(self) -> str:
        """The department's entry form, at this KPI."""
        url = reverse("department_update", args=[self.department.slug])
        return f"{url}?plan={self.kpi.plan.slug}#kpi-{self.kpi.pk}"

    @property
    def sort_key(self) -> tuple:
        """Overdue first (the oldest due date first), then due (the soonest first), then done."""
        return ({OVERDUE: 0, DUE: 1, DONE: 2}[self.state], self.due, self.department.name, self.kpi.order)


def led_departments(*, user) -> QuerySet[Department]:
    """The departments a user leads; every department for an administrator."""
    if user.is_superuser or Role.objects.filter(user=user, kind=Role.Kind.ADMIN).exists():
        return Department.objects.all()
    return Department.objects.filter(roles__user=user, roles__kind=Role.Kind.LEAD).distinct()


def current_plans(*, departments: QuerySet[Department]) -> list[Plan]:
    """Each department's current plan: its newest plan with KPIs (the entry form's default). 1 query."""
    newest: dict[int, Plan] = {}
    plans = (
        Plan.objects.filter(department__in=departments, kpis__isnull=False)
        .distinct()
        .select_related("department")
        .order_by("department_id", "-financial_year", "slug")
    )
    for plan in plans:
        newest.setdefault(plan.department_id, plan)
    return list(newest.values())


def kpi_items(*, kpi: Kpi, today: dt.date) -> list[Item]:
    """The KPI's current and previous period. Reads the prefetched figures (see items())."""
    current = period_containing(today, kpi.frequency)
    found = []
    for period in (current, current.previous()):
        figures = [v for v in kpi.values.all() if (v.year, v.period) == (period.year, period.code)]
        due = period.due(kpi.due_working_days)
        if figures:
            awaiting = not any(v.approval == Approval.APPROVED for v in figures)
            found.append(Item(kpi, period, due, DONE, awaiting))
        else:
            found.append(Item(kpi, period, due, OVERDUE if today > due else DUE))
    return found


def items(*, departments: QuerySet[Department], today: dt.date) -> list[Item]:
    """Every KPI's items in the departments' current plans, sorted (Item.sort_key). 3 queries."""
    figures = (
        KpiValue.objects.exclude(kind=KpiValue.Kind.TARGET)
        .filter(Q(value__isnull=False) | Q(status=KpiValue.Status.RAG))
        .exclude(approval=Approval.RETURNED)
        .only("kpi_id", "year", "period", "approval")
    )
    kpis = (
        Kpi.objects.filter(plan__in=current_plans(departments=departments))
        .select_related("plan__department")
        .prefetch_related(Prefetch("values", queryset=figures))
        .order_by("plan__department__name", "order")
    )
    found = [item for kpi in kpis for item in kpi_items(kpi=kpi, today=today)]
    return sorted(found, key=lambda i: i.sort_key)


@dataclass
class DepartmentLateness:
    """One row of the performance team's page."""

    department: Department
    overdue_kpis: int = 0
    oldest_due: dt.date | None = None
    leads: list[str] = field(default_factory=list)
    days_late: int = 0


def lateness(*, today: dt.date) -> list[DepartmentLateness]:
    """Per department (with a current plan): how many KPIs are overdue, since when, and its leads. 4 queries."""
    rows: dict[int, DepartmentLateness] = {}
    overdue_kpis: dict[int, set[int]] = {}
    for item in items(departments=Department.objects.all(), today=today):
        row = rows.setdefault(item.department.pk, DepartmentLateness(item.department))
        if item.state == OVERDUE:
            overdue_kpis.setdefault(item.department.pk, set()).add(item.kpi.pk)
            if row.oldest_due is None or item.due < row.oldest_due:
                row.oldest_due = item.due
    leads = Role.objects.filter(kind=Role.Kind.LEAD, department_id__in=rows).select_related("user")
    for role in leads.order_by("user__last_name", "user__username"):
        assert role.department_id is not None  # a lead's role always names its department
        rows[role.department_id].leads.append(role.user.get_full_name() or role.user.get_username())
    for pk, row in rows.items():
        row.overdue_kpis = len(overdue_kpis.get(pk, ()))
        row.days_late = (today - row.oldest_due).days if row.oldest_due else 0
    return sorted(rows.values(), key=lambda r: (-r.days_late, -r.overdue_kpis, r.department.name))
