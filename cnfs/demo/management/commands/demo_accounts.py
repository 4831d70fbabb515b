from base64 import b32encode

from django.core.management.base import BaseCommand

from cnfs.accounts.roles import SECOND_FACTOR_ROLES
from cnfs.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_KEY


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
        key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        agents = ", ".join(a.email.split("@")[0] for a in DEMO_ACCOUNTS if a.role in SECOND_FACTOR_ROLES)
        lines += [
            "",
            f"  Double authentification des agents ({agents}) : ajoutez la clé {key}",
            "  à une application d'authentification (TOTP, 6 chiffres, 30 secondes) et saisissez le code affiché.",
        ]
        lines.append("")
        self.stdout.write("\n".join(lines))
