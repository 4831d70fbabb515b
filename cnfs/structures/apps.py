from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "cnfs.structures"
    label = "structures"
    verbose_name = "Structures accueillantes"

    def ready(self):
        from . import signals  # noqa: F401  (announces a structure's change of département)
