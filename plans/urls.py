from django.urls import path

from plans import deliverable_views, search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("departments/<slug:slug>/", views.department, name="department"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/summary/", views.plan_summary, name="plan_summary"),
    path("plans/<slug:slug>/deliverables/<int:pk>/", views.deliverable, name="deliverable"),
    path("plans/<slug:slug>/deliverables/<int:pk>/update/", views.deliverable_update, name="deliverable_update"),
    path("plans/<slug:slug>/objectives/", deliverable_views.objective_tree, name="objective_tree"),
    path("deliverables/", deliverable_views.deliverable_list, name="deliverable_list"),
    path("risks/", deliverable_views.risk_list, name="risk_list"),
    path("search/", search_views.search_page, name="search"),
    path("corrections/", search_views.corrections, name="corrections"),
    path("sources/<str:document>/", search_views.source_document, name="source_document"),
]
