from django.core.management.base import BaseCommand

from cnfs.statistics.maps import compute_centres


class Command(BaseCommand):
    help = (
        "Calcule le centre de chaque département (moyenne des communes pondérée par leur population) pour les "
        "cartes des tableaux de bord ; à relancer après un import des territoires."
    )

    def handle(self, *args, **options):
        count = compute_centres()
        self.stdout.write(f"{count} départements : centres calculés.")
