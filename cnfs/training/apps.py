from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cnfs.training"
    label = "training"
    verbose_name = "Formation"
