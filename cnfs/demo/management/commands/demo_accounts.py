from django.core.management.base import BaseCommand

from cnfs.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Affiche l'adresse du serveur et les comptes de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        width = max(len(a.email) for a in DEMO_ACCOUNTS)
        lines = [
            "",
            f"  cnfs — Conseiller numérique France Services : {url}",
            f"  Courriels envoyés (développement) : {url}courriels/",
            "",
            f"  Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})",
        ]
        lines += [f"    {a.email.ljust(width)}  {a.role.label} — {a.description}" for a in DEMO_ACCOUNTS]
        lines.append("")
        self.stdout.write("\n".join(lines))
