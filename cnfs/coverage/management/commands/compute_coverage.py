import time

from django.core.management.base import BaseCommand

from cnfs.coverage import services


class Command(BaseCommand):
    help = (
        "Recalcule, pour chaque commune, la distance au lieu d'activité visible le plus proche "
        "(couverture territoriale, zones blanches)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = services.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"Couverture calculée pour {count} communes en {seconds:.1f} s.")
