from django.urls import path

from .views import apply, changes, review, waves

app_name = "concertation"

urlpatterns = [
    # Public application form
    path("deposer/", apply.start, name="start"),
    path("deposer/<uuid:public_id>/etape/<int:number>/", apply.step, name="step"),
    path("deposer/<uuid:public_id>/", apply.summary, name="summary"),
    path("deposer/<uuid:public_id>/transmettre/", apply.transmit, name="transmit"),
    path("deposer/<uuid:public_id>/annuler/", apply.cancel, name="cancel"),
    path("confirmer/<str:token>/", apply.confirm, name="confirm"),
    path("annuler/<str:token>/", apply.cancel_confirm, name="cancel_confirm"),
    # Préfecture and ANCT
    path("", review.application_list, name="list"),
    path("export.<str:fmt>", review.application_export, name="export"),
    path("<int:pk>/", review.application_detail, name="detail"),
    path("<int:pk>/avis/", review.give_opinion, name="opinion"),
    path("<int:pk>/decision/", review.decide, name="decide"),
    path("<int:pk>/doublon/", review.mark_duplicate, name="duplicate"),
    path("<int:pk>/abandon/", review.abandon, name="abandon"),
    path("decision-groupee/", review.decide_batch, name="decide_batch"),
    path("vagues/", waves.wave_list, name="waves"),
    path("postes/", changes.change_list, name="changes"),
    path("postes/<int:pk>/", changes.change_detail, name="change_detail"),
]
