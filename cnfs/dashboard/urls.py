from django.urls import path

from . import statistics_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("statistiques/", statistics_views.statistics, name="statistics"),
    path(
        "statistiques/export/<slug:table>.<str:fmt>",
        statistics_views.statistics_export,
        name="statistics_export",
    ),
]
