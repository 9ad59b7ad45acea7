"""A form renderer that draws the plain widgets in Python.

The KPI entry form shows six widgets for each of a hundred measures on a large plan: drawn through their
templates (Django's input, textarea and attrs templates, and our select) they were over half the page's time.
DrawnWidgets draws those templates' exact markup in Python and hands any other template to the usual
renderer, so a form opts in with `default_renderer = DrawnWidgets` and nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString, mark_safe

from plans.html import format_html

Widget = dict[str, Any]


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def _input(widget: Widget) -> SafeString:
    """django/forms/widgets/input.html (text, hidden, checkbox and the other input types)."""
    value = format_html(' value="{}"', str(widget["value"])) if widget["value"] is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def _textarea(widget: Widget) -> SafeString:
    """django/forms/widgets/textarea.html."""
    return format_html(
        '<textarea name="{}"{}>\n{}</textarea>', widget["name"], _attrs(widget["attrs"]), widget["value"] or ""
    )


def _select(widget: Widget) -> SafeString:
    """templates/django/forms/widgets/select.html (ours: each option written out, no include per option)."""
    parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in group_choices:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append(mark_safe("\n  </optgroup>"))
    parts.append(mark_safe("\n</select>"))
    return mark_safe("".join(parts))


DRAWN: dict[str, Callable[[Widget], SafeString]] = {
    **{f"django/forms/widgets/{kind}.html": _input for kind in ("input", "text", "hidden", "checkbox", "number")},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class DrawnWidgets(TemplatesSetting):
    """The settings' form renderer (TemplatesSetting), drawing the widgets in DRAWN in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        draw = DRAWN.get(template_name)
        return super().render(template_name, context, request) if draw is None else draw(context["widget"])
