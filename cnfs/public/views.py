from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.generic import TemplateView

PROGRAMME = {
    "people_far_from_digital": "13 millions",
    "advisors": "4 000",
    "budget": "200 M€",
}


class PublicPage(TemplateView):
    title = ""
    extra = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["programme"] = PROGRAMME
        context["retention"] = retention_periods()
        return context


def _duration(delta) -> str:
    days = delta.days
    if days and days % 365 == 0:
        years = days // 365
        return f"{years} an{'s' if years > 1 else ''}"
    return f"{days} jour{'s' if days > 1 else ''}"


def retention_periods() -> dict:
    """The retention periods the privacy page states, from the settings the retention task applies."""
    return {
        "inactivity": _duration(settings.CNFS_CANDIDATE_INACTIVITY),
        "notice": _duration(settings.CNFS_RETENTION_WARNING_NOTICE),
        "unconfirmed": _duration(settings.CNFS_UNCONFIRMED_ACCOUNT_RETENTION),
    }


def public_page(route, template, name, title):
    return path(route, login_not_required(PublicPage.as_view(template_name=template, title=title)), name=name)
