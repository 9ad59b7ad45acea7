from __future__ import annotations

import functools
from collections.abc import Callable

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self) -> None:
        remember_table_signatures()


def remember_table_signatures() -> None:
    """django-tables2 asks `inspect.signature` which arguments a column's or table's render method takes,
    once for every cell it draws (django_tables2.utils.signature, called by call_with_appropriate): a fifth
    of the time of a 100-row list. The answer depends only on the function, so it is worked out once per
    function here. Methods are keyed by their function (a bound method is a new object on every access);
    anything unhashable is asked afresh as before.

    Kept because users need it, not the benchmark: measured uncached (PAGE_CACHE=false) on the seed data after
    the other speed fixes of issue 15, process CPU per request, best of 8, with -> without this patch: plan
    page asch-2020-21 73-86 -> 89-95 ms, cs-2020-21 66-73 -> 85-89 ms, procurement list 45-52 -> 60 ms, KPI
    list 41-43 -> 51-57 ms, deliverables 41 -> 46-49 ms, risks 18-19 -> 18-21 ms: 15-25 % of the largest
    pages, enough to take the plan page past the 100 ms target."""
    from django_tables2 import utils

    if getattr(utils.signature, "remembers", False):
        return
    utils.signature = RememberedSignature(utils.signature)


# django_tables2.utils.signature's answer: the argument names, and the name of the **kwargs catch-all if any.
Signature = tuple[tuple[str, ...], str | None]


class RememberedSignature:
    """django_tables2.utils.signature, answering once per function (see remember_table_signatures)."""

    remembers = True  # marks django_tables2.utils.signature as already replaced

    def __init__(self, ask: Callable[[Callable[..., object]], Signature]) -> None:
        self.ask = ask

        @functools.lru_cache(maxsize=4096)
        def remembered(function: Callable[..., object], bound: bool) -> Signature:
            return ask(function.__get__(object()) if bound else function)

        self.remembered = remembered

    def __call__(self, fn: Callable[..., object]) -> Signature:
        function = getattr(fn, "__func__", None)
        if function is not None and getattr(fn, "__self__", None) is not None:
            return self.remembered(function, True)
        try:
            return self.remembered(fn, False)
        except TypeError:  # unhashable
            return self.ask(fn)
