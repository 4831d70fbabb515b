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
