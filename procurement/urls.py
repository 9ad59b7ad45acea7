from django.urls import path

from procurement import ocds_views, views

urlpatterns = [
    path("procurement/", views.pipeline, name="procurement_pipeline"),
    path("procurement/pipeline-notice/", views.pipeline_notice, name="pipeline_notice"),
    path("procurement/pipeline-notice/ocds.json", ocds_views.pipeline_notice_ocds, name="pipeline_notice_ocds"),
    path("procurement/plans/<slug:slug>/", views.plan_procurement, name="plan_procurement"),
]
