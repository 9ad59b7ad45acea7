from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from plans.accounts import SignInView

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # load balancers; the benchmark's trivial view
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("dashboard.urls")),
    path("", include("plans.urls")),
    path("", include("kpis.urls")),
    path("", include("budgets.urls")),
    path("", include("procurement.urls")),
    path("", include("search.urls")),
    path("", include("reports.urls")),
]
