from django.conf import settings
from django.urls import include, path

from cnfs.api.v1 import urls as api_v1_urls

urlpatterns = [
    path("", include("cnfs.public.urls")),
    path("compte/", include("cnfs.accounts.urls")),
    path("espace/", include("cnfs.dashboard.urls")),
    path("territoires/", include("cnfs.territories.urls")),
    path("candidatures/", include("cnfs.concertation.urls")),
    path("structure/", include("cnfs.structures.urls")),
    path("courriels/", include("cnfs.notifications.urls")),
    path("candidats/", include("cnfs.candidates.urls")),
    path("recrutement/", include("cnfs.recruitment.urls")),
    path("formation/", include("cnfs.training.urls")),
    path("", include("cnfs.funding.urls")),
    path("", include("cnfs.activity.urls")),
    path("equipes/", include("cnfs.teams.urls")),
    path("api/v1/", api_v1_urls()),
    path("api/", include("cnfs.api.urls")),
    path("exports/", include("cnfs.exports.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
