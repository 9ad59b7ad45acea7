from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # load balancers; the benchmark's trivial view
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),  # sign in and out (password and council directory): before Django's
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("dashboard.urls")),
    path("", include("plans.urls")),
    path("", include("kpis.urls")),
    path("", include("budgets.urls")),
    path("", include("procurement.urls")),
    path("", include("search.urls")),
    path("", include("api.urls")),  # /api/v1/: the JSON API and the tidy KPI downloads
    path("", include("reports.urls")),  # /reports/: cabinet report packs, exception reports, PDFs
]
