from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "cnfs.dashboard"
    label = "dashboard"
    verbose_name = "Espaces"
