from django.urls import path

from kpis import approval_views, reporting_views, target_views, views

urlpatterns = [
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("my-updates/", reporting_views.my_updates, name="my_updates"),
    path("reporting/", reporting_views.performance_team, name="performance_team"),
    path("plans/<slug:slug>/kpis/<slug:key>/", views.kpi, name="kpi"),
    path("departments/<slug:slug>/measures/<slug:key>/", views.measure, name="measure"),
    path("departments/<slug:slug>/update/", views.department_update, name="department_update"),
    path("departments/<slug:slug>/upload/", views.kpi_upload, name="kpi_upload"),
    path("departments/<slug:slug>/approvals/", approval_views.department_approvals, name="department_approvals"),
    path("departments/<slug:slug>/targets/", target_views.department_targets, name="department_targets"),
    path("departments/<slug:slug>/reporting/", target_views.department_reporting, name="department_reporting"),
    path("departments/<slug:slug>/targets/copy/", target_views.targets_copy, name="targets_copy"),
]
