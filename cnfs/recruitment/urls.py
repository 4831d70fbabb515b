from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("candidatures/", views.candidate_list, name="candidate_list"),
    path("candidatures/inviter/", views.invite, name="invite"),
    path("candidatures/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("candidatures/<int:pk>/grille/", views.evaluation, name="evaluation"),
    path("candidatures/<int:pk>/grille.docx", views.evaluation_docx, name="evaluation_docx"),
    path("candidatures/<int:pk>/<slug:action>/", views.match_action, name="match_action"),
    path("cv/<int:pk>/", views.candidate_cv, name="candidate_cv"),
]
