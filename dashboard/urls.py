from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("departments/<slug:slug>/", views.department, name="department"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/summary/", views.plan_summary, name="plan_summary"),
    path("plans/<slug:slug>/deliverables/<int:pk>/", views.deliverable, name="deliverable"),
]
