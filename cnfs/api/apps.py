from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "cnfs.api"
    verbose_name = "API publique"
