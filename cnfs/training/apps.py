from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cnfs.training"
    label = "training"
    verbose_name = "Formation et prise de poste"

    def ready(self):
        from . import receivers  # noqa: F401  (proposes a provider when the grant file is transmitted)
