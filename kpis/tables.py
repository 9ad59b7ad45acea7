import django_tables2 as tables
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.safestring import SafeString

from kpis.assessment import DOUBT_CAVEAT, NEAR, OFF_TRACK, ON_TRACK, STATUS_LABELS, TRAVEL_LABELS
from plans.html import format_html


def freshness_html(kpi) -> SafeString:
    """How current a KPI's figures are, as the KPI page, the KPI list and the department dashboard show it: the
    newest figure's period and age, and an 'Overdue since' tag when the next figure is late (Kpi.fresh). Drawn
    in Python: the KPI list shows it on every row."""
    fresh = kpi.fresh
    overdue = (
        format_html(' <strong class="govuk-tag govuk-tag--orange app-overdue">{}</strong>', fresh.overdue_words)
        if fresh.overdue_since
        else ""
    )
    return format_html('<span class="app-freshness">{}</span>{}', fresh.latest_words, overdue)


def status_html(assessment) -> SafeString:
    """A status as every page draws it (templates/partials/status.html, and the department page's and cabinet
    summary's tables): the status as a tag; the caveat when it rests on a doubted figure; and, when the newest
    figure awaits a target, its period and the status at the figure before ("for 2026-27; was off track")."""
    caveat = format_html(' <span class="app-doubt-caveat">{}</span>', DOUBT_CAVEAT) if assessment.doubtful else ""
    awaiting: SafeString | str = ""
    if assessment.needs_target:
        before = assessment.earlier.watch_status if assessment.earlier is not None else ""
        was = {OFF_TRACK: "; was off track", NEAR: "; was near target"}.get(before, "")
        awaiting = format_html(' <span class="app-muted">for {}{}</span>', assessment.needs_target, was)
    return format_html(
        '<strong class="govuk-tag app-tag-{}">{}</strong>{}{}',
        assessment.status.replace("_", "") or "none",
        assessment.label,
        caveat,
        awaiting,
    )


def with_status_order(kpis: QuerySet) -> QuerySet:
    """Annotate `status_order` (off track, near, on track, then the rest) so 'sort by status' is SQL."""
    return kpis.annotate(
        status_order=Case(
            When(status=OFF_TRACK, then=Value(0)),
            When(status=NEAR, then=Value(1)),
            When(status=ON_TRACK, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )


class KpiTable(tables.Table):
    """Every KPI matching the filters: a queryset, paged in SQL. Status, travel and the latest figure and target
    are the stored assessment (Kpi.status, Kpi.shown_value, Kpi.shown_target: kpis.selectors.kpis_for_list)."""

    description = tables.Column(verbose_name="Measure")
    department = tables.Column(accessor="plan__department__name", verbose_name="Department")
    plan = tables.Column(accessor="plan", verbose_name="Plan", order_by=("plan__title", "plan__financial_year"))
    latest = tables.Column(verbose_name="Latest figure", orderable=False, empty_values=())
    target = tables.Column(verbose_name="Target", orderable=False, empty_values=())
    status = tables.Column(verbose_name="Status", order_by=("status_order",), empty_values=())
    travel = tables.Column(verbose_name="Direction of travel", empty_values=())
    # The newest figure's period and age, and whether the next is overdue (Kpi.freshness: prefetched values).
    freshness = tables.Column(verbose_name="Freshness", orderable=False, empty_values=())

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def render_description(self, value, record):
        return format_html('<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), value)

    def value_description(self, value, record):
        return value

    def render_plan(self, value, record):
        return f"{value.title} ({value.year_label})"

    def render_latest(self, record):
        latest = record.shown_value
        if not latest:
            return ""
        if latest.doubtful:
            return format_html(
                '{} ({}) <strong class="govuk-tag govuk-tag--yellow app-doubtful">'
                "Doubtful figure</strong>"
                ' <span class="app-muted"><bdi>{}</bdi></span>',
                latest.printed.strip(),
                latest.year_label,
                latest.doubtful,
            )
        return f"{latest.printed.strip()} ({latest.year_label})"

    def value_latest(self, record):
        latest = record.shown_value
        if not latest:
            return ""
        doubt = f" (doubtful figure: {latest.doubtful})" if latest.doubtful else ""
        return f"{latest.printed.strip()} ({latest.year_label}){doubt}"

    def render_target(self, record):
        target = record.shown_target
        return target.printed.strip() if target else ""

    def render_status(self, record):
        return status_html(record.stored_assessment)  # the stored status, drawn as every page draws a status

    def value_status(self, record):
        # The download keeps the bare word (a spreadsheet filters on it); its latest figure says what is doubted.
        return STATUS_LABELS.get(record.status, STATUS_LABELS["none"])

    def render_freshness(self, record):
        return freshness_html(record)

    def value_freshness(self, record):
        fresh = record.fresh
        return f"{fresh.latest_words}{'. ' + fresh.overdue_words if fresh.overdue_since else ''}"

    def render_travel(self, record):
        return TRAVEL_LABELS.get(record.travel, TRAVEL_LABELS["unknown"])
