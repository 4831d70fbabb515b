from django.core.management.base import BaseCommand

from cnfs.candidates import retention


class Command(BaseCommand):
    help = (
        "Durées de conservation des données personnelles : avertit les candidats inactifs, anonymise ceux qui ne "
        "sont pas revenus, supprime les comptes non confirmés. Sans --apply, dit seulement ce qui serait fait."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Faire réellement les changements.")

    def handle(self, *args, apply, **options):
        _, notes = retention.run(apply=apply)
        self.stdout.write(
            "Changements effectués :"
            if apply
            else "Simulation (rien n'est modifié ; --apply pour le faire) :"
        )
        for note in notes:
            self.stdout.write(f"  {note}")
