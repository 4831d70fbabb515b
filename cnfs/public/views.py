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
        return context


def public_page(route, template, name, title):
    return path(route, login_not_required(PublicPage.as_view(template_name=template, title=title)), name=name)
