from django.core.management.base import BaseCommand, CommandError

from cnfs.demo import seed as demo
from cnfs.territories.models import Departement


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle) et un petit jeu de données réaliste. Idempotent."

    def handle(self, *args, **options):
        if not Departement.objects.filter(pk="03").exists():
            raise CommandError("Importez d'abord les territoires : manage.py import_territories --source …")
        counts = demo.seed()
        details = ", ".join(f"{number} {label}" for label, number in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes : {details}."))
