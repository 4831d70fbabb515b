import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cnfs.demo import national


class Command(BaseCommand):
    help = (
        "Construit le volume national (× --scale) : 3 271 structures, 50 000 candidats, ~4 000 conseillers, leurs "
        "lieux, 10 millions de comptes rendus sur 4 ans, les contrats et tranches, un compte par rôle. Sur une base "
        "migrée sans ce volume (PostgreSQL : COPY ; SQLite : pour une échelle réduite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="facteur de volume (1 : national)")
        parser.add_argument(
            "--reports", type=int, help="nombre de comptes rendus (par défaut 10 000 000 × l'échelle)"
        )
        parser.add_argument(
            "--seed", type=int, default=8, help="graine du tirage (même graine, mêmes données)"
        )
        parser.add_argument(
            "--territories", help="dossier des territoires à importer d'abord (import_territories)"
        )

    def handle(self, *args, scale, reports, seed, territories, **options):
        from cnfs.accounts.models import User
        from cnfs.demo.seed import DEMO_PASSWORD
        from cnfs.territories.models import Commune

        if not 0 < scale <= 10:
            raise CommandError("L'échelle va de 0 (exclu) à 10.")
        if reports is not None and not 0 <= reports <= 100_000_000:
            raise CommandError("Le nombre de comptes rendus va de 0 à 100 000 000.")
        if territories:
            call_command("import_territories", "--source", territories, verbosity=0)
        if not Commune.objects.filter(latitude__isnull=False, population__gt=0).exists():
            raise CommandError("Importez d'abord les territoires : manage.py import_territories --source …")
        if User.objects.filter(email__endswith="@bench.fr").exists():
            raise CommandError("Cette base contient déjà le volume national : partez d'une base vide.")
        started = time.perf_counter()
        try:
            built = national.build(scale, seed, reports=reports, progress=self.stdout.write)
        except national.Inconsistent as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{number} {label}" for label, number in built["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(f"Volume national prêt en {time.perf_counter() - started:.0f} s : {counts}.")
        )
        if not built["rollups_rebuilt"]:
            self.stdout.write(
                "Agrégats d'activité : pas de commande rebuild_activity_rollups dans ce projet."
            )
        self.stdout.write(f"Comptes (mot de passe commun : {DEMO_PASSWORD}) :")
        for key, email in built["accounts"].items():
            self.stdout.write(f"  {key:<11} {email}")
