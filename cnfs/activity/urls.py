from django.urls import include, path

from . import advisors, views

app_name = "activity"

urlpatterns = [
    path("", include("cnfs.activity.report_urls")),  # activity reports and the advisor's statistics
    path("activite/lieux/", views.my_places, name="my_places"),
    path("activite/lieux/nouveau/", views.place_create, name="place_create"),
    path("activite/lieux/<int:pk>/modifier/", views.place_edit, name="place_edit"),
    path("activite/lieux/<int:pk>/partager/", views.place_share, name="place_share"),
    path("activite/lieux/<int:pk>/quitter/", views.place_leave, name="place_leave"),
    path("activite/lieux-du-territoire/", views.scope_places, name="scope_places"),
    path("activite/conseillers-du-territoire/", advisors.scope_advisors, name="scope_advisors"),
    path(
        "activite/conseillers-du-territoire/export.csv",
        advisors.scope_advisors_export,
        {"fmt": "csv"},
        name="scope_advisors_csv",
    ),
    path(
        "activite/conseillers-du-territoire/export.xlsx",
        advisors.scope_advisors_export,
        {"fmt": "xlsx"},
        name="scope_advisors_xlsx",
    ),
    path("trouver-un-conseiller/", views.public_map, name="map"),
    path("trouver-un-conseiller/lieux/<int:pk>/", views.public_place, name="public_place"),
    path("donnees/lieux/", views.open_data, name="open_data"),
    path("donnees/lieux-de-mediation-numerique.csv", views.open_data_csv, name="open_data_csv"),
    path("donnees/lieux-de-mediation-numerique.json", views.open_data_json, name="open_data_json"),
    path(
        "donnees/lieux-data-inclusion.json", views.open_data_data_inclusion, name="open_data_data_inclusion"
    ),
]
