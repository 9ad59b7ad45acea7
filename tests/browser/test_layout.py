"""Every page type laid out right on a 1,280px screen and on a 375px phone (WCAG 2.2 1.4.10 Reflow): the page
never scrolls sideways; a table wider than its place scrolls inside a labelled, focusable region (and at 1,280px
the overview and dashboard tables hide no column); no column header is cut off or broken inside a word; no text of a chart (legend,
axis titles, tick labels, data labels) overlaps another or is cut off by the chart's edge. One page load per
page type and width; a screenshot of each page with a problem goes to test-results/layout/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from tests.browser.test_every_page import page_paths, sign_in

SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "layout"
WIDTHS = (1280, 375)
# Summary pages whose tables show every column on a 1,280px screen (the overview's departments table used to
# push its budget, KPI and deliverable columns out of view); wide printed tables elsewhere may scroll.
EVERY_COLUMN_AT_1280 = {"/", "/?year=2022", "/departments/childrens-services/"}

# Runs in the page; returns a list of sentences, one per problem. Bounding boxes are in CSS pixels; a pixel of
# slack absorbs sub-pixel rounding.
PROBLEMS_JS = r"""
([width, everyColumn]) => {
  const problems = [];
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
  const name = el => (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 60);

  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > window.innerWidth) problems.push(`page scrolls sideways: ${pageWidth}px wide`);

  for (const table of document.querySelectorAll("main table")) {
    if (!shown(table)) continue;
    const label = table.caption ? name(table.caption) : name(table.querySelector("th") || table);
    const region = table.closest(".app-table-scroll");
    if (region) {
      if (region.getAttribute("role") !== "region" || !region.getAttribute("aria-label") || region.getAttribute("tabindex") !== "0")
        problems.push(`table "${label}" scrolls in a region that is not labelled and focusable`);
      const caption = table.caption && table.caption.getBoundingClientRect();
      if (caption && caption.right > region.getBoundingClientRect().right + 1)
        problems.push(`caption "${label}" runs past its region and is cut off`);
      if (everyColumn && table.scrollWidth > region.clientWidth + 1)
        problems.push(`table "${label}" hides columns at ${width}px: ${table.scrollWidth}px in ${region.clientWidth}px`);
    } else if (table.getBoundingClientRect().width > table.parentElement.clientWidth + 1) {
      problems.push(`table "${label}" is wider than its container and not in a scrolling region`);
    }
  }

  for (const th of document.querySelectorAll("main th")) {
    if (!shown(th) || th.closest(".govuk-visually-hidden") || !shown(th.closest("thead, tbody, table"))) continue;
    if (th.scrollWidth > th.clientWidth + 1) problems.push(`header "${name(th)}" is cut off`);
    // A header broken inside a word has more lines than words (a hyphen, as in 2020-21, may end a line).
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".govuk-visually-hidden")) continue;
      const words = node.textContent.trim().split(/[\s\-–]+/).filter(Boolean).length;
      if (!words) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > words) problems.push(`header "${name(th)}" breaks inside a word (${lines.size} lines)`);
    }
  }

  // A cell holding only a financial year ("2019-20") shows it on one line.
  for (const td of document.querySelectorAll("main td")) {
    if (!shown(td) || !/^\d{4}-\d{2}$/.test(td.textContent.trim())) continue;
    const range = document.createRange();
    range.selectNodeContents(td);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > 1) problems.push(`year "${name(td)}" breaks over ${lines.size} lines`);
  }

  for (const tile of document.querySelectorAll(".app-tile")) {
    if (!/arial|sans-serif/i.test(getComputedStyle(tile).fontFamily)) problems.push(`tile "${name(tile)}" is not in the site's font`);
  }

  const kinds = [["legend", ".legendtext"], ["axis title", ".xtitle, .ytitle"],
                 ["tick label", ".xtick text, .ytick text, .xtick2 text, .ytick2 text"], ["data label", ".textpoint text, .bartext"],
                 ["annotation", ".annotation-text"]];
  for (const plot of document.querySelectorAll(".js-plotly-plot")) {
    const title = (plot.closest("figure")?.querySelector("figcaption")?.textContent || "chart").trim();
    const edge = plot.querySelector(".main-svg").getBoundingClientRect();
    const texts = [];
    for (const [kind, selector] of kinds) {
      for (const el of plot.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (r.width < 1 || r.height < 1 || !name(el) || getComputedStyle(el).visibility === "hidden") continue;
        texts.push({kind, text: name(el), r});
      }
    }
    for (const t of texts) {
      if (t.r.left < edge.left - 1 || t.r.right > edge.right + 1 || t.r.top < edge.top - 1 || t.r.bottom > edge.bottom + 1)
        problems.push(`chart "${title}": ${t.kind} "${t.text}" is cut off by the chart's edge`);
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1)
          problems.push(`chart "${title}": ${texts[i].kind} "${texts[i].text}" overlaps ${texts[j].kind} "${texts[j].text}"`);
      }
    }
  }
  return problems;
}
"""


def problems_at(page, path: str, width: int) -> list[str]:
    page.goto(page.base + path)
    if page.locator("[data-figure]").count():
        for chart in page.locator("[data-figure]").all():  # on a phone a chart draws as the reader nears it
            chart.scroll_into_view_if_needed()
            chart.locator(".main-svg").first.wait_for(state="attached", timeout=15000)
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("[data-figure] .main-svg").first.wait_for(state="attached", timeout=15000)
        page.wait_for_function(
            "[...document.querySelectorAll('[data-figure]')].every(el => el.querySelector('.main-svg'))"
        )
    page.evaluate("document.fonts.ready")
    found = page.evaluate(PROBLEMS_JS, [width, width >= 1280 and path in EVERY_COLUMN_AT_1280])
    if found:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_") or "home"
        page.screenshot(path=str(SCREENSHOTS / f"{stem[:80]}-{width}.png"), full_page=True)
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_is_laid_out_right(live_server, seeded, browser, width):
    from plans.models import Department, Role

    lead = User.objects.create_user("lead.layout", password="a-long-layout-password")
    Role.objects.create(user=lead, kind="lead", department=Department.objects.get(slug="childrens-services"))
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.base = live_server.url
    failures = {}
    for path in page_paths():
        if path == "LOGIN":
            sign_in(page, live_server.url, "lead.layout", "a-long-layout-password")
            continue
        found = problems_at(page, path, width)
        if found:
            failures[path] = sorted(set(found))
    context.close()
    assert not failures, f"At {width}px:\n" + "\n\n".join(
        f"{path}:\n  " + "\n  ".join(p) for path, p in failures.items()
    )


def test_the_overview_stacks_each_department_on_a_phone(live_server, seeded, browser):
    """At 375px each department's row is a block, its budget, KPI counts and deliverables under their column
    names, with nothing out of sight to the side (squeezed into columns its rows ran 700px tall)."""
    context = browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/")
    region = page.get_by_role("region", name="Departments")
    cells = region.locator("td[data-label='Net controllable budget']")
    assert cells.count() == 4
    label = cells.first.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Net controllable budget"'
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
    budget = cells.first.bounding_box()
    assert budget["x"] >= 0 and budget["x"] + budget["width"] <= 375
    context.close()
