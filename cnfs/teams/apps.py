from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "cnfs.teams"
    label = "teams"
    verbose_name = "Équipes des coordinateurs"
