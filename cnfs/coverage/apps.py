from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "cnfs.coverage"
    label = "coverage"
    verbose_name = "Couverture territoriale : distance de chaque commune au lieu d'activité le plus proche"

    def ready(self):
        from . import receivers  # noqa: F401  (keeps the distances up to date when the visible places change)
