from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cnfs.activity"
    label = "activity"
    verbose_name = "Activité : lieux d'activité et carte publique"

    def ready(self):
        from . import receivers  # noqa: F401  (the département rollups follow an advisor's or a structure's move)
