"""ProConnect (the State's OpenID Connect federation) for public agents, through mozilla-django-oidc.

- The login page shows the ProConnect button only when PROCONNECT_ENABLED (PROCONNECT_CLIENT_ID and PROCONNECT_URL set).
- The flow is the authorization code with state, nonce and PKCE (the library's); the ID token's signature is checked
  against the provider's JWKS, and here also its issuer and audience (the library leaves them unchecked).
- The person is matched by email (trimmed, case-insensitive, as the password login), and must already hold an agent
  role (préfecture, ANCT, Banque des Territoires): no account and no role is ever created from ProConnect. Otherwise
  the login is refused with a message, and the journal keeps the refusal (with the account id when one matched).
- Second factor: when the ID token's `acr` is in PROCONNECT_MFA_ACR (ProConnect's multi-factor levels), the session
  counts as having passed it (second_factor.is_verified); otherwise the platform's own second factor is asked next,
  exactly as after a password.
"""

from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.utils.crypto import get_random_string
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cnfs.journal.services import record
from cnfs.notifications.services import absolute_url

from .models import RoleAssignment, User
from .roles import AGENT_ROLES
from .second_factor import PROCONNECT_MFA_SESSION_KEY

REFUSED = (
    "Votre compte ProConnect n'est rattaché à aucun agent de la plateforme. Seuls les agents invités par l'équipe "
    "nationale (préfecture, ANCT, Banque des Territoires) peuvent se connecter avec ProConnect : demandez une "
    "invitation à l'ANCT, ou connectez-vous avec votre adresse et votre mot de passe."
)
FAILED = "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre mot de passe."


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.PROCONNECT_ENABLED or request is None:
            return None
        if "nonce" not in kwargs or "password" in kwargs or not request.GET.get("code"):
            return None  # not the ProConnect callback (a password login goes through here too)
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, ValueError, KeyError, requests.RequestException) as error:
            record("account.proconnect_failed", None, by=None, after={"reason": type(error).__name__})
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (the signed userinfo carries no nonce and may omit aud)
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token audience")
            if payload.get("iss") != settings.PROCONNECT_ISSUER:
                raise SuspiciousOperation("ID token issuer")
            self.id_token_claims = payload
        return payload

    def filter_users_by_claims(self, claims):
        email = User.objects.normalize_email(
            claims.get("email") if isinstance(claims.get("email"), str) else ""
        )
        if not email or "\x00" in email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None or not RoleAssignment.objects.filter(user=user, role__in=AGENT_ROLES).exists():
            record(
                "account.proconnect_refused",
                user,
                by=None,
                after={"reason": "no_agent_role" if user else "unknown"},
            )
            self.request.cnfs_proconnect_message = REFUSED
            return None
        user.proconnect_acr = str(getattr(self, "id_token_claims", {}).get("acr") or "")
        return user

    def update_user(self, user, claims):
        return user  # names stay as the agent gave them; ProConnect only identifies


class ProConnectLoginView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not settings.PROCONNECT_ENABLED:
            return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
        return super().get(request)


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    def login_success(self):
        response = super().login_success()
        acr = getattr(self.user, "proconnect_acr", "")
        if acr in settings.PROCONNECT_MFA_ACR:
            self.request.session[PROCONNECT_MFA_SESSION_KEY] = self.user.pk
        record("account.proconnect_login", self.user, by=self.user, after={"acr": acr})
        return response

    def login_failure(self):
        messages.error(self.request, getattr(self.request, "cnfs_proconnect_message", FAILED))
        return super().login_failure()


login = login_not_required(require_GET(ProConnectLoginView.as_view()))
callback = login_not_required(require_GET(ProConnectCallbackView.as_view()))


def end_session_url(id_token: str) -> str:
    """Where to send the browser after logging out of the platform, so that the ProConnect session ends too."""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": absolute_url("/"),
        }
    )
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{query}"
