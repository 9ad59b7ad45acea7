from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("plans.urls")),
    path("", include("kpis.urls")),
    path("", include("budgets.urls")),
    path("", include("procurement.urls")),
]
