"""Mounted at the site root (config/urls.py): the structure's files live in the structure space, the Banque des
Territoires' queue in its own, ANCT's hires in progress next to recruitment."""

from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("structure/dossiers/", views.file_list, name="file_list"),
    path("structure/dossiers/<int:pk>/", views.file_detail, name="file_detail"),
    path("structure/dossiers/<int:pk>/transmettre/", views.transmit, name="transmit"),
    path(
        "structure/dossiers/<int:pk>/modele-deliberation.docx",
        views.deliberation_docx,
        name="deliberation_docx",
    ),
    path("dossiers/<int:pk>/pieces/<slug:kind>/", views.document_download, name="document"),
    path("banque-des-territoires/dossiers/", views.queue, name="queue"),
    path("banque-des-territoires/dossiers/<int:pk>/", views.review, name="review"),
    path("recrutement/en-cours/", views.hire_requests, name="hire_requests"),
    path("recrutement/en-cours/<int:match_pk>/arreter/", views.stop_hire, name="stop_hire"),
]
