import time

from django.core.management.base import BaseCommand

from cnfs.activity import rollups
from cnfs.activity.report_models import ActivityReport


class Command(BaseCommand):
    help = (
        "Reconstruit les cumuls mensuels d'activité (un par conseiller et par mois) depuis les comptes rendus, "
        "en une transaction ; sans effet sur des cumuls déjà exacts."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = rollups.rebuild()
        elapsed = time.perf_counter() - started
        reports = ActivityReport.objects.count()
        self.stdout.write(
            f"{rows} cumul(s) mensuel(s) reconstruit(s) depuis {reports} compte(s) rendu(s) en {elapsed:.2f} s."
        )
