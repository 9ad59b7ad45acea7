"""Whole-page caching of public reads (config.middleware.PageCacheMiddleware): a repeat read costs one query,
and every write of published data shows at once because it moves a data version (a database trigger: the
write paths one by one are in tests/test_cache_versions.py)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from plans.models import DataVersion, Deliverable, DeliverableUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_repeat_read_is_one_query(page_cache, all_plans, django_assert_num_queries):
    client = Client()
    first = client.get(reverse("deliverable_list"))
    with django_assert_num_queries(1):  # the data version
        again = client.get(reverse("deliverable_list"))
    assert again.content == first.content
    # A different query string is a different page, rendered (and then cached) on its own.
    second = client.get(reverse("deliverable_list"), {"page": "2"})
    assert second.content != first.content and "Page 2 of 3" in second.content.decode()


def test_a_write_shows_at_once(page_cache, all_plans, django_user_model):
    client = Client()
    item = Deliverable.objects.get(plan__slug="cs-2022-23", key="CP-03")
    before = client.get(item.get_absolute_url()).content.decode()
    assert "Bridge repairs are on schedule" not in before
    user = django_user_model.objects.create_user("writer")
    DeliverableUpdate.objects.create(
        deliverable=item,
        status="on_track",
        commentary="Bridge repairs are on schedule",
        as_of="2025-01-01",
        entered_by=user,
    )
    assert "Bridge repairs are on schedule" in client.get(item.get_absolute_url()).content.decode()


def test_loading_plans_moves_the_version(page_cache, load_plan):
    before = DataVersion.key()
    load_plan("cs-2022-23")
    assert DataVersion.key() != before


def test_forms_and_downloads_are_not_kept_as_pages(page_cache, all_plans):
    client = Client()
    client.get(reverse("login"))  # a form that needs a new CSRF cookie
    client.get(reverse("deliverable_list"), {"_export": "csv"})  # a download (kept on disk, not as a page)
    assert not any(key.startswith(":1:page:") for key in cache._cache)  # nothing stored (locmem's own keys)
    client.get(reverse("deliverable_list"))
    assert sum(key.startswith(":1:page:") for key in cache._cache) == 1


def _signed_in(django_user_model, username: str, name: str) -> Client:
    first, last = name.split()
    client = Client()
    client.get(reverse("login"))  # the browser's CSRF cookie, as the visit to the sign-in page sets it
    client.force_login(django_user_model.objects.create_user(username, first_name=first, last_name=last))
    return client


def test_a_signed_in_users_pages_are_built_for_them_and_never_kept(page_cache, all_plans, django_user_model):
    """A signed-in user's page names them, shows what their roles allow and carries their CSRF token: it is
    built for each request, sent private, and never kept in the shared cache (nor served from it)."""
    rita = _signed_in(django_user_model, "rita", "Rita Reader")
    public = Client().get(reverse("risk_list"))
    kept = {key for key in cache._cache if key.startswith(":1:page:")}
    assert len(kept) == 1 and "Rita Reader" not in public.content.decode()
    for _ in range(2):
        response = rita.get(reverse("risk_list"))
        assert "Rita Reader" in response.content.decode() and "private" in response["Cache-Control"]
    assert {key for key in cache._cache if key.startswith(":1:page:")} == kept


def test_a_role_change_and_a_flash_message_are_never_hidden_by_the_cache(page_cache, all_plans, django_user_model):
    from plans.models import Department, Role

    _signed_in(django_user_model, "rita", "Rita Reader")
    client = Client()
    client.get(reverse("risk_list"))
    before = DataVersion.current()
    Role.objects.create(
        user=django_user_model.objects.get(username="rita"),
        kind=Role.Kind.LEAD,
        department=Department.objects.get(slug="childrens-services"),
    )
    assert DataVersion.current() > before  # pages kept before the role was granted are stale
    kept = sum(key.startswith(":1:page:") for key in cache._cache)
    client.cookies["messages"] = "waiting"  # a flash message to show: the page is built, neither served nor kept
    client.get(reverse("risk_list"))
    assert sum(key.startswith(":1:page:") for key in cache._cache) == kept


def test_the_admin_is_never_cached(page_cache, all_plans, django_user_model):
    client = Client()
    client.get(reverse("login"))
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    client.get(reverse("admin:index"))
    assert client.get(reverse("admin:index")).status_code == 200
    assert not any(key.startswith(":1:page:") for key in cache._cache)


def test_with_sign_in_required_nobody_signed_out_gets_a_cached_page(page_cache, settings, all_plans, django_user_model):
    """The sign-in check runs before the cache (settings put the cache last), so with sign-in required nobody
    signed out is served a kept page, and a signed-in reader's page is never kept for anyone."""
    settings.REQUIRE_SIGN_IN = True
    kept = [m for m in settings.MIDDLEWARE if m.endswith("PageCacheMiddleware")]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m not in kept] + [
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        *kept,
    ]
    reader = _signed_in(django_user_model, "rita", "Rita Reader")
    assert reader.get(reverse("deliverable_list")).status_code == 200
    assert not any(key.startswith(":1:page:") for key in cache._cache)
    response = Client().get(reverse("deliverable_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_download_is_kept_for_its_data_version(page_cache, settings, tmp_path, all_plans):
    settings.EXPORT_CACHE_DIR = tmp_path
    client = Client()
    url = reverse("deliverable_list")
    first = client.get(url, {"_export": "csv", "sort": "title"}).getvalue()
    (kept,) = tmp_path.glob("*-csv/*.csv")
    assert kept.read_bytes() == first and kept.parent.name.startswith(f"{DataVersion.key()}-")
    assert kept.name == "deliverables.csv"
    again = client.get(url, {"_export": "csv", "sort": "title"})
    # Served from the kept file, under the view's file name: its length is known up front, unlike a CSV being made.
    assert again.has_header("Content-Length") and again.getvalue() == first
    assert 'filename="deliverables.csv"' in again["Content-Disposition"]
    xlsx = client.get(url, {"_export": "xlsx"}).getvalue()
    assert client.get(url, {"_export": "xlsx"}).getvalue() == xlsx
    Deliverable.objects.filter(plan__slug="cs-2022-23").update(title="Retitled")  # a write: the next download
    client.get(url, {"_export": "csv", "sort": "title"}).getvalue()  # is made afresh, older files go
    assert {p.name.split("-")[0] for p in tmp_path.iterdir()} == {DataVersion.key()}


def test_an_abandoned_download_leaves_nothing(page_cache, settings, tmp_path, all_plans):
    settings.EXPORT_CACHE_DIR = tmp_path
    response = Client().get(reverse("deliverable_list"), {"_export": "csv"})
    chunks = iter(response.streaming_content)
    next(chunks)
    response.close()  # the client went away mid-download
    assert list(tmp_path.iterdir()) == []


def test_the_health_check_touches_no_database_even_with_the_cache_on(page_cache, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Client().get("/healthz").content == b"ok"


def test_a_database_loaded_again_never_gets_the_old_ones_pages_or_downloads(page_cache, settings, tmp_path, all_plans):
    """Dropping the database and loading it again counts versions from the start again; the epoch made with
    the version row keeps the new data's keys apart from the old data's."""
    settings.EXPORT_CACHE_DIR = tmp_path
    url = reverse("deliverable_list")
    Client().get(url, {"_export": "csv"}).getvalue()
    Client().get(url, {"per_page": "500"})
    old_key, versions = DataVersion.key(), list(DataVersion.objects.values_list("scope", "version"))
    DataVersion.objects.all().delete()  # as in a new database ...
    # ... whose counts have reached the same numbers
    DataVersion.objects.bulk_create([DataVersion(scope=scope, version=version) for scope, version in versions])
    assert DataVersion.key().split(".")[1] == old_key.split(".")[1] and DataVersion.key() != old_key
    item = Deliverable.objects.filter(plan__slug="cs-2022-23").order_by("order").first()
    Deliverable.objects.filter(pk=item.pk).update(title="A title only the new database holds")
    assert "A title only the new database holds" in Client().get(url, {"_export": "csv"}).getvalue().decode()
    assert "A title only the new database holds" in Client().get(url, {"per_page": "500"}).content.decode()


def test_pages_of_an_older_version_are_dropped_not_left_to_fill_the_cache(page_cache, all_plans):
    """Memory stays flat under steady writes: once the version moves on, the pages kept under the old one go."""
    client = Client()
    client.get(reverse("deliverable_list"))
    client.get(reverse("risk_list"))
    old = {key for key in cache._cache if key.startswith(":1:page:")}
    assert len(old) == 2
    DataVersion.bump()
    client.get(reverse("risk_list"))
    now = {key for key in cache._cache if key.startswith(":1:page:")}
    assert len(now) == 1 and not now & old
