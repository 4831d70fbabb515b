"""What recruitment shows on other apps' pages (the candidate space), without those apps importing it."""

from django import template

from ..models import MatchStatus

register = template.Library()

INTERESTED_STATUSES = (MatchStatus.SHORTLISTED, MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED)


@register.simple_tag
def interested_matches(candidate):
    """The matches the candidate sees: the structures that shortlisted them, asked to hire them or hired them."""
    return candidate.matches.filter(status__in=INTERESTED_STATUSES).select_related("structure__commune")
