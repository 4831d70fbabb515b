from django import template

from ..navigation import navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def role_navigation(context):
    """The current role's navigation entries that already have a page."""
    request = context.get("request")
    role_context = getattr(request, "role_context", None)
    if role_context is None or not request.user.is_authenticated:
        return []
    return [item for item in navigation_for(role_context.role) if item.url_name]
