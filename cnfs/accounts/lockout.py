"""What django-axes counts a failed login against: the identifier exactly as the login resolves it."""

from django.conf import settings

from .models import User


def login_identifier(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the email lower-cased and stripped, as `UserManager.get_by_natural_key` reads it, so
    that "Agent@X.fr " and "agent@x.fr" share one failure counter."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get(field)
    return User.objects.normalize_email(value if isinstance(value, str) else "")
