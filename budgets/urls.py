from django.urls import path

from budgets import views

urlpatterns = [
    path("budgets/", views.budget_index, name="budget_index"),
    path("budgets/plans/<slug:slug>/", views.plan_budget, name="plan_budget"),
    path("budgets/departments/<slug:slug>/", views.department_budget, name="department_budget"),
]
