from django.apps import AppConfig


class ConcertationConfig(AppConfig):
    name = "cnfs.concertation"
    label = "concertation"
    verbose_name = "Candidatures, avis et comités de sélection"
