from django.urls import path

from . import proconnect, second_factor_views, views
from .middleware import second_factor_exempt

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", second_factor_exempt(views.LogoutView.as_view()), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("confirmer/<str:token>/", views.confirm_email, name="confirm_email"),
    path("confirmation/renvoyer/", views.resend_confirmation, name="resend_confirmation"),
    path("role/", views.switch_role, name="switch_role"),
    path("mon-compte/", views.profile, name="profile"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/nouvelle/", views.invite_agent, name="invite_agent"),
    path("double-authentification/", second_factor_views.overview, name="second_factor"),
    path("double-authentification/application/", second_factor_views.setup_totp, name="second_factor_setup"),
    path("double-authentification/verification/", second_factor_views.verify, name="second_factor_verify"),
    path(
        "double-authentification/codes-de-secours/", second_factor_views.recovery_codes, name="recovery_codes"
    ),
    path(
        "double-authentification/codes-de-secours/nouveaux/",
        second_factor_views.regenerate_recovery_codes,
        name="regenerate_recovery_codes",
    ),
    path(
        "double-authentification/<str:kind>/<int:device_id>/retirer/",
        second_factor_views.remove_device,
        name="remove_device",
    ),
    path("double-authentification/cle/", second_factor_views.webauthn_register, name="webauthn_register"),
    path(
        "double-authentification/cle/options/",
        second_factor_views.webauthn_register_options,
        name="webauthn_register_options",
    ),
    path(
        "double-authentification/cle/enregistrer/",
        second_factor_views.webauthn_register_verify,
        name="webauthn_register_verify",
    ),
    path(
        "double-authentification/cle/connexion/options/",
        second_factor_views.webauthn_login_options,
        name="webauthn_login_options",
    ),
    path(
        "double-authentification/cle/connexion/",
        second_factor_views.webauthn_login_verify,
        name="webauthn_login_verify",
    ),
    path("proconnect/", proconnect.login, name="proconnect_login"),
    path("proconnect/retour/", proconnect.callback, name="proconnect_callback"),
    path("agents/", second_factor_views.agents, name="agents"),
    path(
        "agents/<int:user_id>/double-authentification/reinitialiser/",
        second_factor_views.reset_agent,
        name="reset_agent",
    ),
]
