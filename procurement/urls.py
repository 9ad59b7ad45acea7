from django.urls import path

from procurement import views

urlpatterns = [
    path("procurement/", views.pipeline, name="procurement_pipeline"),
    path("procurement/pipeline-notice/", views.pipeline_notice, name="pipeline_notice"),
    path("procurement/plans/<slug:slug>/", views.plan_procurement, name="plan_procurement"),
]
