from django.urls import path

from .views import follow, provider

app_name = "training"

urlpatterns = [
    path("organisme/", provider.advisors, name="provider_advisors"),
    path("organisme/conseillers.<str:fmt>", provider.advisors_export, name="provider_advisors_export"),
    path("organisme/conseillers/<int:pk>/", provider.training_detail, name="provider_training"),
    path("organisme/sessions/", provider.session_list, name="sessions"),
    path("organisme/sessions.<str:fmt>", provider.sessions_export, name="sessions_export"),
    path("organisme/sessions/<int:pk>/", provider.session_detail, name="session_detail"),
    path("structure/", follow.structure_plan, name="structure_plan"),
    path("structure/prise-de-poste/<int:match_pk>/", follow.onboarding_view, name="onboarding"),
    path("structure/prise-de-poste/<int:match_pk>/livret.docx", follow.booklet, name="booklet"),
    path("conseiller/", follow.advisor, name="advisor"),
    path("national/", follow.national, name="national"),
    path("national/formations/<int:pk>/organisme/", follow.change_provider, name="change_provider"),
    path("prise-de-poste/", follow.onboarding_rates, name="onboarding_rates"),
]
