from django.urls import path

from search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("corrections/", views.corrections, name="corrections"),
    path("sources/<str:document>/", views.source_document, name="source_document"),
]
