from django.urls import path

from plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("departments/<slug:slug>/", views.department, name="department"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/deliverables/<int:pk>/", views.deliverable, name="deliverable"),
    path("plans/<slug:slug>/kpis/<slug:key>/", views.kpi, name="kpi"),
    path("departments/<slug:slug>/measures/<slug:key>/", views.measure, name="measure"),
]
