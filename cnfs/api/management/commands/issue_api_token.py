from django.core.management.base import BaseCommand, CommandError

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from cnfs.api import tokens
from cnfs.api.models import ApiScope
from cnfs.territories.models import Departement


class Command(BaseCommand):
    help = "Émet un jeton d'API pour un partenaire (au nom d'un agent de l'ANCT) et affiche sa clé, une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="Organisme qui reçoit le jeton.")
        parser.add_argument("--scope", action="append", choices=ApiScope.values, required=True)
        parser.add_argument(
            "--departement", action="append", default=[], help="Code ; absent : tout le territoire."
        )
        parser.add_argument(
            "--by", required=True, help="Adresse électronique de l'agent de l'ANCT qui l'émet."
        )

    def handle(self, *args, partner, scope, departement, by, **options):
        agent = User.objects.filter(email__iexact=by.strip(), role_assignments__role=Role.ANCT).first()
        if agent is None:
            raise CommandError(f"Aucun agent de l'ANCT n'a l'adresse {by}.")
        found = list(Departement.objects.filter(code__in=departement))
        unknown = sorted(set(departement) - {d.code for d in found})
        if unknown:
            raise CommandError(f"Départements inconnus : {', '.join(unknown)}.")
        token, key = tokens.issue(partner=partner, scopes=scope, departements=found, by=agent)
        self.stderr.write(f"Jeton n° {token.pk} émis pour {partner} ({', '.join(token.scopes)}).")
        self.stdout.write(key)
