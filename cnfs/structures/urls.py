from django.urls import path

from . import views

app_name = "structures"

urlpatterns = [
    path("", views.my_structure, name="home"),
    path("postes/", views.my_posts, name="posts"),
    path("postes/<int:pk>/prolonger/", views.extend_post_deadline, name="extend_deadline"),
    path("equipe/", views.my_team, name="team"),
    path("equipe/<int:pk>/retirer/", views.remove_member, name="remove_member"),
    path("offre-d-emploi/", views.job_posting, name="job_posting"),
    path("offre-d-emploi/fiche-de-poste.docx", views.job_description_docx, name="job_description"),
]
