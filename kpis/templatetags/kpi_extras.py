"""Template filters and tags for KPI pages."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kpis.forms import KpiEntryForm
from kpis.models import KpiValue
from kpis.tables import freshness_html, status_html
from plans.html import format_html
from plans.templatetags.plan_extras import form_group

register = template.Library()

COMMENTARY_LABEL = "Commentary (required when the value is off track)"


register.filter("freshness", freshness_html)
register.simple_tag(status_html, name="status")  # templates/partials/status.html


@register.filter
def resting_on_doubt(pairs: list) -> list:
    """The (kpi, assessment) pairs whose assessment rests on a figure marked doubtful."""
    return [(kpi, assessment) for kpi, assessment in pairs or [] if assessment.doubtful]


def _now(form: KpiEntryForm) -> SafeString:
    """What the measure shows now: its status, the figure it rests on and the target. A real KPI's assessment
    holds its KpiValues (the isinstance checks only tell the type checker so)."""
    a = form.kpi.assessment()
    shown, target = a.value, a.target
    value = SafeString("")
    if isinstance(shown, KpiValue):
        entrant = format_html(", entered by {}", shown.entrant().get_username()) if shown.is_entry else ""
        doubt = (
            format_html(" {}", render_to_string("partials/doubtful.html", {"reason": shown.doubtful}))
            if shown.doubtful
            else ""
        )
        value = format_html(", {} ({}{}){}", shown.printed, shown.period_label, entrant, doubt)
    aimed = format_html("; target {} ({})", target.printed, target.period_label) if isinstance(target, KpiValue) else ""
    return format_html("Now: {}{}{}.{}", a.full_label, value, aimed, _draft(form.newest))


def _draft(newest: KpiValue | None) -> SafeString:
    """The newest entry, when the public does not see it yet: marked, apart from the published figures."""
    if newest is None or not newest.is_draft:
        return SafeString("")
    entry = format_html("{} ({}), entered by {}", newest.printed, newest.period_label, newest.entrant().get_username())
    if newest.approval == KpiValue.Approval.RETURNED:
        return format_html(
            ' <strong class="govuk-tag govuk-tag--red">Returned: <bdi>{}</bdi></strong> {}. Correct it and save again.',
            newest.return_reason,
            entry,
        )
    return format_html(' <strong class="govuk-tag govuk-tag--yellow">Awaiting approval</strong> {}.', entry)


@register.simple_tag
def entry_fieldset(form: KpiEntryForm) -> SafeString:
    """One measure's fieldset of the KPI entry form (templates/kpis/entry_fields.html). Drawn in Python, a
    hundred times on a large plan's form: through the template language it was most of the page's time."""
    pk = form.kpi.pk
    errors = format_html_join(
        "",
        '<p class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        ((error,) for error in form.non_field_errors()),
    )
    names = [name for name in ("value", "year", "period", "as_at", "benchmark") if name in form.fields]
    fields = "\n\n      ".join(form_group(form[name]) for name in names)
    return format_html(
        '<fieldset class="govuk-fieldset app-entry" id="kpi-{}" aria-describedby="kpi-{}-now">\n'
        '    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>\n'
        '    <p class="govuk-body-s" id="kpi-{}-now">{}</p>\n'
        "    {}\n"
        '    <input type="hidden" name="{}-seen" value="{}">\n'
        '    <div class="app-entry__fields">\n'
        "      {}\n\n"
        '      <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small">'
        '<div class="govuk-checkboxes__item">\n'
        '        {}<label class="govuk-label govuk-checkboxes__label" for="{}">Provisional</label>\n'
        "      </div></div></div>\n"
        "    </div>\n"
        "    {}\n"
        "    {}\n\n"
        "  </fieldset>",
        pk,
        pk,
        form.kpi.description,
        pk,
        _now(form),
        errors,
        form.prefix,
        form.newest.pk if form.newest else 0,
        SafeString(fields),
        form["provisional"],
        form["provisional"].id_for_label,
        form_group(form["commentary"], label=COMMENTARY_LABEL),
        _remedial(form),
    )


def _remedial(form: KpiEntryForm) -> SafeString:
    """The remedial action, its owner and due date, folded away unless something is in it (the cabinet's
    exception report shows the newest approved one)."""
    names = ("action", "action_owner", "action_due")
    opened = " open" if any(form[n].value() or form.has_error(n) for n in names) else ""
    return format_html(
        '<details class="govuk-details govuk-!-margin-bottom-2"{}>'
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">Remedial action '
        "(when off track)</span></summary>\n"
        '      <div class="govuk-details__text">\n      {}\n      </div></details>',
        opened,
        SafeString("\n      ".join(form_group(form[n]) for n in names)),
    )
