"""Which stored deliverable each deliverable of a reloaded fixture is, so that the progress updates leads
entered stay on the row they describe.

A deliverable with refs or a printed number has a key that the document prints ("CP-03", "no-6"): it is
matched by that key. The others are keyed by position: "council-3" (the third row, no refs), "no-6.2" (the
second sub-action of 6), "so14-2" (the second action of objective 14). A row inserted or removed above one of
them shifts its key, so matching by key alone would hand a lead's updates to the neighbouring row, silently.
Those are matched by title first (when the title is unique on both sides), then by key for the rest: a row
whose key still fits but whose title changed is a corrected title, or a row whose place was taken, and the
loader says so rather than guess (`retitled`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from plans.models import Deliverable


@dataclass
class Matched:
    dropped: list[Deliverable] = field(default_factory=list)  # stored rows the fixture no longer has
    rekeyed: list[int] = field(default_factory=list)  # pks of stored rows kept under a new key
    retitled: list[tuple[Deliverable, str]] = field(default_factory=list)  # (stored row, its new title)


def deliverables_match(*, stored: list[Deliverable], loaded: list[tuple[Deliverable, bool]]) -> Matched:
    """Give each loaded (unsaved) deliverable the pk of the stored row it is, if any. `loaded` pairs each with
    whether its key is positional. No query."""
    by_key = {row.key: row for row in stored}
    claimed: dict[int, Deliverable] = {}
    result = Matched()

    def claim(obj: Deliverable, row: Deliverable) -> None:
        obj.pk = row.pk
        claimed[row.pk] = obj

    for obj, positional in loaded:
        row = by_key.get(obj.key)
        if not positional and row is not None:
            claim(obj, row)
    loaded_titles = Counter(obj.title for obj, positional in loaded if positional)
    free = [row for row in stored if row.pk not in claimed]
    stored_titles = Counter(row.title for row in free)
    by_title = {row.title: row for row in free if stored_titles[row.title] == 1}
    for obj, positional in loaded:
        row = by_title.get(obj.title)
        if positional and loaded_titles[obj.title] == 1 and row is not None and row.pk not in claimed:
            claim(obj, row)
    for obj, positional in loaded:
        row = by_key.get(obj.key)
        if positional and obj.pk is None and row is not None and row.pk not in claimed:
            claim(obj, row)
            if row.title != obj.title:
                result.retitled.append((row, obj.title))
    for row in stored:
        if row.pk not in claimed:
            result.dropped.append(row)
        elif claimed[row.pk].key != row.key:
            result.rekeyed.append(row.pk)
    return result
