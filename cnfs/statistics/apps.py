from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "cnfs.statistics"
    verbose_name = "Statistiques"
