from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from cnfs.journal.context import request_context

from .context import RoleContext


class RoleContextMiddleware:
    """Attaches `request.role_context` and makes the actor's role and IP available to the journal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.role_context = RoleContext(request)
        with request_context(request):
            return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (and private, max-age=0) on every response to a logged-in user and on every
    download (CSV, XLSX, DOCX, CV), so that neither a shared proxy nor the browser's history keeps personal data.
    Static files never reach it (served before, with their long cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logged_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if logged_in or download:
            add_never_cache_headers(response)
        return response


def second_factor_exempt(view):
    """For the pages a person must reach before passing the second factor (enrolment, verification, logout)."""
    view.second_factor_exempt = True
    return view


class SecondFactorMiddleware:
    """A logged-in person whose roles require a second factor (roles.SECOND_FACTOR_ROLES) and who has not passed one
    in this session reaches no page but enrolment (no device yet), verification and logout: every other page
    redirects there, with the page asked for kept in `next`. Public pages (login_not_required) stay reachable. A
    person of another role who enrolled a device is asked for it at each login as well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import second_factor

        if not request.user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True) or getattr(
            view_func, "second_factor_exempt", False
        ):
            return None
        required = second_factor.is_required(request.user, request.role_context.assignments)
        # Someone who chose to enrol passes it too (the session says so from the login on, see signals.py).
        if not required and not request.session.get(second_factor.ENROLLED_SESSION_KEY):
            return None
        if second_factor.is_verified(request):
            return None
        if second_factor.has_device(request.user):
            target = "accounts:second_factor_verify"
        elif required:
            target = "accounts:second_factor_setup"
        else:  # their devices were removed meanwhile: nothing to ask
            request.session.pop(second_factor.ENROLLED_SESSION_KEY, None)
            return None
        return redirect_to_login(request.get_full_path(), reverse(target), REDIRECT_FIELD_NAME)
