from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# The service navigation: (label, URL name). Pages that do not exist yet are left out.
NAVIGATION = [
    ("Overview", "home"),
    ("Key performance measures", "kpi_list"),
    ("Budgets", "budget_index"),
    ("Procurement", "procurement_pipeline"),
    ("Deliverables", "deliverable_list"),
    ("Risks", "risk_list"),
    ("Search", "search"),
    ("Sources and corrections", "corrections"),
]


def navigation(request: HttpRequest) -> dict:
    items = []
    for label, name in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"navigation": items}
