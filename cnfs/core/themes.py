"""One enumeration of what a conseiller numérique does: the programme's three missions and the themes of
support (SPEC §2 question 8 and §11).

The structure's application (the missions it plans) and the activity reports (the themes of each support) share it,
so that a mission planned and a theme reported are the same code. Codes are stored (JSON lists, report rows):
never rename one without a data migration.
"""

from django.db import models


class Theme(models.TextChoices):
    # The programme's missions
    DAILY_USES = "daily_uses", "Soutenir les Français dans leurs usages quotidiens du numérique"
    CIVIC_USES = (
        "civic_uses",
        "Sensibiliser aux enjeux du numérique et favoriser des usages citoyens et critiques",
    )
    PROCEDURES = "procedures", "Rendre autonome pour réaliser des démarches administratives en ligne"
    # Themes of support (the seed's list)
    EQUIPMENT = "equipment", "Prendre en main un équipement informatique"
    INTERNET = "internet", "Naviguer sur internet"
    EMAIL = "email", "Envoyer, recevoir, gérer ses courriels"
    OFFICE = "office", "Utiliser un traitement de texte"
    SMARTPHONE = "smartphone", "Installer et utiliser des applications sur un smartphone"
    VOCABULARY = "vocabulary", "Connaître l'environnement et le vocabulaire numérique"
    CONTENT = "content", "Gérer ses contenus numériques"
    JOB = "job", "Trouver un emploi ou une formation"
    SCHOOLING = "schooling", "Accompagner la scolarité de son enfant"
    BUSINESS = "business", "Le numérique au service de son activité professionnelle (TPE, artisans)"
    FAMILY = "family", "Échanger avec ses proches"
    HEALTH = "health", "Santé en ligne"
    SECURITY = "security", "Sécurité numérique"


PROGRAMME_MISSIONS = (Theme.DAILY_USES, Theme.CIVIC_USES, Theme.PROCEDURES)

# The themes an activity report records: online procedures are both a programme mission and a theme.
ACTIVITY_THEMES = (
    Theme.EQUIPMENT,
    Theme.INTERNET,
    Theme.EMAIL,
    Theme.OFFICE,
    Theme.SMARTPHONE,
    Theme.VOCABULARY,
    Theme.CONTENT,
    Theme.JOB,
    Theme.SCHOOLING,
    Theme.BUSINESS,
    Theme.FAMILY,
    Theme.PROCEDURES,
    Theme.HEALTH,
    Theme.SECURITY,
)


def mission_choices() -> list[tuple[str, str]]:
    """Question 8 of the application: the programme's missions, then every other theme, each once."""
    ordered = list(PROGRAMME_MISSIONS) + [
        theme for theme in ACTIVITY_THEMES if theme not in PROGRAMME_MISSIONS
    ]
    return [(theme.value, theme.label) for theme in ordered]


def theme_choices() -> list[tuple[str, str]]:
    """The themes of an activity report, in the seed's order."""
    return [(theme.value, theme.label) for theme in ACTIVITY_THEMES]


def labels(codes) -> list[str]:
    """Labels of stored codes; an unknown code is shown as stored rather than dropped."""
    known = dict(Theme.choices)
    return [known.get(code, code) for code in codes]
