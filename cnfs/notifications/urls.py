from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("suivi/", views.delivery_issues, name="delivery_issues"),
    path("suivi/<int:pk>/renvoyer/", views.resend, name="resend"),
]
