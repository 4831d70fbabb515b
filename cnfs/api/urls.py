from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.documentation, name="documentation"),
    path("jetons/", views.token_list, name="tokens"),
    path("jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
]
