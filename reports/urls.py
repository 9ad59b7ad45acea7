from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.pack_list, name="report_packs"),
    path("reports/publish/", views.publish, name="report_publish"),
    path("reports/compare/", views.compare, name="report_compare"),
    path("reports/exceptions/", views.exceptions_live, name="report_exceptions"),
    path("reports/summaries/<slug:slug>/pdf", views.summary_pdf, name="plan_summary_pdf"),
    path("reports/<slug:slug>/", views.pack_detail, name="report_pack"),
    path("reports/<slug:slug>/pdf", views.pack_pdf, name="report_pack_pdf"),
    path("reports/<slug:slug>/departments/<slug:dept>/", views.pack_department, name="report_department"),
    path("reports/<slug:slug>/departments/<slug:dept>/pdf", views.pack_department_pdf, name="report_department_pdf"),
]
