from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("couverture/", views.overview, name="overview"),
    path("couverture/carte.json", views.map_data, name="map_data"),
    path("couverture/export/<str:table>.<str:fmt>", views.export, name="export"),
]
