from django.core.management.base import BaseCommand, CommandError

from cnfs.core.consistency import run_checks


class Command(BaseCommand):
    help = "Vérifie les règles qui lient les enregistrements entre eux (copies, postes, statuts) ; code 1 si une est violée."

    def handle(self, *args, **options):
        results = run_checks()
        broken = 0
        for result in results:
            if result.ok:
                self.stdout.write(f"ok      {result.check.name} — {result.check.description}")
            else:
                broken += len(result.ids)
                sample = ", ".join(str(pk) for pk in result.ids[:10])
                more = " …" if len(result.ids) > 10 else ""
                self.stdout.write(
                    f"ÉCHEC   {result.check.name} — {result.check.description} : "
                    f"{len(result.ids)} enregistrement(s) ({sample}{more})"
                )
        self.stdout.write(f"{len(results)} règle(s) vérifiée(s), {broken} violation(s).")
        if broken:
            raise CommandError(f"{broken} violation(s) de cohérence.")
