from django.urls import path

from plans import deliverable_views

urlpatterns = [
    path("plans/<slug:slug>/objectives/", deliverable_views.objective_tree, name="objective_tree"),
    path("deliverables/", deliverable_views.deliverable_list, name="deliverable_list"),
    path("risks/", deliverable_views.risk_list, name="risk_list"),
    path(
        "plans/<slug:slug>/deliverables/<int:pk>/update/",
        deliverable_views.deliverable_update,
        name="deliverable_update",
    ),
]
