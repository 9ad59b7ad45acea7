from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

# The service navigation: (label, URL name). Pages that do not exist yet are left out.
NAVIGATION = [
    ("Overview", "home"),
    ("Key performance measures", "kpi_list"),
    ("Budgets", "budget_index"),
    ("Procurement", "procurement_pipeline"),
    ("Deliverables", "deliverable_list"),
    ("Risks", "risk_list"),
    ("Search", "search"),
    ("Cabinet reports", "report_packs"),
    ("Sources and corrections", "corrections"),
]


def navigation(request: HttpRequest) -> dict:
    """The header's navigation, worked out only if a template shows it: every table a page draws with
    django-tables2's render_table is a template rendered with the request, so its own run of the context
    processors (twenty on a plan page), and none of those tables shows the navigation."""
    return {"navigation": SimpleLazyObject(lambda: _items(request))}


def _items(request: HttpRequest) -> list[dict]:
    items = []
    for label, name in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Every signed-in user, not only leads: checking the role would add a query to every signed-in page, and
        # "My updates" tells anyone who leads no department that nothing is due from them.
        try:
            url = reverse("my_updates")
        except NoReverseMatch:  # plans imports no other app: the page is kpis', named by URL only
            return items
        items.append({"label": "My updates", "url": url, "current": request.path.startswith(url)})
    return items
