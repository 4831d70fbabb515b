from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "cnfs.exports"
    label = "exports"
    verbose_name = "Exports en arrière-plan"
