from django.conf import settings


def site(request):
    """Identity of the service and the role context computed once per request by RoleContextMiddleware."""
    return {
        "SITE_NAME": "Conseiller numérique France Services",
        "SITE_DEBUG": settings.DEBUG,
        "role_context": getattr(request, "role_context", None),
    }
