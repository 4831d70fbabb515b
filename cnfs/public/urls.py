from django.urls import path

from . import views
from .views import public_page

app_name = "public"

urlpatterns = [
    public_page("", "public/home.html", "home", "Accueil"),
    public_page(
        "accueillir-un-conseiller/",
        "public/structures.html",
        "structures",
        "Accueillir un conseiller numérique",
    ),
    public_page(
        "devenir-conseiller/", "public/candidates.html", "candidates", "Devenir conseiller numérique"
    ),
    public_page(
        "accessibilite/", "public/accessibility.html", "accessibility", "Déclaration d'accessibilité"
    ),
    public_page("mentions-legales/", "public/legal.html", "legal", "Mentions légales"),
    public_page("donnees-personnelles/", "public/privacy.html", "privacy", "Données personnelles"),
    public_page("plan-du-site/", "public/sitemap.html", "sitemap", "Plan du site"),
    path("statistiques/", views.statistics, name="statistics"),
    path("donnees/", views.open_data, name="open_data"),
    path("donnees/structures.csv", views.open_data_structures, name="open_data_structures"),
    path("donnees/postes.csv", views.open_data_posts, name="open_data_posts"),
    path(
        "donnees/activite-mensuelle-par-departement.csv",
        views.open_data_monthly_activity,
        name="open_data_monthly_activity",
    ),
    path("donnees/dictionnaire-des-donnees.csv", views.open_data_dictionary, name="open_data_dictionary"),
]
