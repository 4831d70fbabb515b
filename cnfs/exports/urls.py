from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("nouveau/", views.export_start, name="start"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/progression/", views.export_progress, name="progress"),
    path("<int:pk>/fichier/", views.export_download, name="download"),
]
