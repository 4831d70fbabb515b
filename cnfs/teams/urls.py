from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="list"),
    path("<int:pk>/", views.team_detail, name="detail"),
    path("mon-equipe/", views.my_team, name="mine"),
    path("mes-invitations/", views.advisor_space, name="advisor"),
    path("membres/<int:pk>/<str:action>/", views.membership_action, name="membership_action"),
]
