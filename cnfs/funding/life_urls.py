"""URLs of the life of a post (terminations, extensions, quarterly reports, deadline radar), under /financement/."""

from django.urls import path

from . import life_views as views

urlpatterns = [
    path("financement/contrats/suivi/", views.structure_contracts, name="structure_contracts"),
    path("financement/contrats/<int:pk>/rupture/", views.request_termination, name="request_termination"),
    path("financement/contrats/<int:pk>/prolonger/", views.extend_contract, name="extend_contract"),
    path("financement/ruptures/", views.termination_list, name="termination_list"),
    path("financement/ruptures/<int:pk>/", views.termination_detail, name="termination_detail"),
    path("financement/ruptures/<int:pk>/valider/", views.validate_termination, name="validate_termination"),
    path("financement/ruptures/<int:pk>/refuser/", views.refuse_termination, name="refuse_termination"),
    path("financement/postes/<int:pk>/historique/", views.post_history, name="post_history"),
    path("financement/rapports-trimestriels/", views.quarterly_reports, name="quarterly_reports"),
    path("financement/rapports-trimestriels/retards/", views.late_reports, name="late_reports"),
    path("financement/echeances/", views.radar, name="radar"),
]
