"""Declaring on a view which roles may use it: `@role_required(Role.ANCT, Role.PREFECTURE)`.

Access is denied by default: LoginRequiredMiddleware asks for a login everywhere, public views opt out with
`login_not_required`, and a logged-in user whose current role is not listed gets a 403. Objects outside the
user's scope are fetched through scoped querysets and answer 404.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import Role


def role_required(*roles: Role, admin: bool = False):
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            context = request.role_context
            if context.role not in allowed:
                raise PermissionDenied("Votre rôle actuel ne donne pas accès à cette page.")
            if admin and not context.is_structure_admin:
                raise PermissionDenied("Cette action est réservée aux administrateurs de la structure.")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def any_role(view):
    """For pages every logged-in user may see whatever their role (their account, the role switch)."""
    view.allowed_roles = frozenset(Role)
    return view
