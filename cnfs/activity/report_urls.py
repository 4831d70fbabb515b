"""The advisor's activity reports and statistics (included by urls.py, same `activity` namespace)."""

from django.urls import path

from . import report_views

urlpatterns = [
    path("activite/comptes-rendus/", report_views.report_list, name="report_list"),
    path("activite/comptes-rendus/nouveau/", report_views.report_create, name="report_create"),
    path("activite/comptes-rendus/<int:pk>/modifier/", report_views.report_edit, name="report_edit"),
    path(
        "activite/comptes-rendus/<int:pk>/dupliquer/", report_views.report_duplicate, name="report_duplicate"
    ),
    path("activite/comptes-rendus/<int:pk>/supprimer/", report_views.report_delete, name="report_delete"),
    path("activite/comptes-rendus/export.csv", report_views.report_export, {"fmt": "csv"}, name="report_csv"),
    path(
        "activite/comptes-rendus/export.xlsx", report_views.report_export, {"fmt": "xlsx"}, name="report_xlsx"
    ),
    path("activite/mes-statistiques/", report_views.my_stats, name="my_stats"),
    path("activite/mes-statistiques/export.xlsx", report_views.my_stats_export, name="my_stats_export"),
    path("activite/statistiques/", report_views.scope_stats, name="scope_stats"),
    path("activite/statistiques/export.xlsx", report_views.scope_stats_export, name="scope_stats_export"),
    path(
        "activite/equipe/comptes-rendus.csv",
        report_views.team_report_export,
        {"fmt": "csv"},
        name="team_report_csv",
    ),
    path(
        "activite/equipe/comptes-rendus.xlsx",
        report_views.team_report_export,
        {"fmt": "xlsx"},
        name="team_report_xlsx",
    ),
]
