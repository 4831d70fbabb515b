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
]
