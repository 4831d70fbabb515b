from django import template

from ..navigation import header_menu

register = template.Library()


@register.simple_tag(takes_context=True)
def role_navigation(context):
    """The current role's header entries (cnfs.dashboard.navigation.header_menu)."""
    request = context.get("request")
    role_context = getattr(request, "role_context", None)
    if role_context is None or not request.user.is_authenticated:
        return []
    return header_menu(role_context.role, request.path)
