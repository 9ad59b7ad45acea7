"""The plan page (tens of thousands of pixels tall) opens with a contents list: every section and each part of
the long ones (deliverables by priority, outcomes, KPI groups) is a link to a heading on the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def contents(page: str) -> list[tuple[str, str]]:
    nav = page[page.index('<nav aria-label="Sections of this plan"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'href="#([^"]+)">([^<]+)</a>', nav)


def test_every_contents_link_leads_to_a_heading_of_the_plan(client, load_plan):
    load_plan("ete-2020-21")
    page = client.get(reverse("plan", args=["ete-2020-21"])).content.decode()
    links = contents(page)
    for anchor, text in links:
        assert re.search(rf'<h[23] class="govuk-heading-[lm]" id="{anchor}">', page), (anchor, text)
    texts = [text for _, text in links]
    # Sections, and the parts of the long ones as the document names them (its priorities).
    assert texts[:4] == ["Ambition, priorities and overview", "Structure and workforce", "Budget", "Deliverables"]
    assert texts.count("Value for money") == 2  # its deliverables, and its key performance measures
    assert "Maintaining a safe and sustainable environment" in texts and "Procurement pipeline" in texts


def test_the_outcomes_of_an_implementation_plan_are_in_its_contents(client, load_plan):
    load_plan("cs-2025-29")
    page = client.get(reverse("plan", args=["cs-2025-29"])).content.decode()
    links = dict(contents(page))
    outcomes = [a for a in links if a.startswith("outcome-")]
    assert outcomes and all(f'id="{a}"' in page for a in outcomes)
    assert any(text.startswith("Outcome 1: ") for text in links.values())
