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
