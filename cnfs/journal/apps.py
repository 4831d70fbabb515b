from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "cnfs.journal"
    label = "journal"
    verbose_name = "Journal"
