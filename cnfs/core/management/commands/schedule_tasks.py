from django.core.management.base import BaseCommand

from cnfs.core.scheduling import daily_tasks, ensure_scheduled, next_run


class Command(BaseCommand):
    help = "Programme les tâches quotidiennes (récapitulatif des préfectures…) qui ne le sont pas encore. Idempotent."

    def handle(self, *args, **options):
        scheduled = ensure_scheduled()
        for name, (_, at) in daily_tasks().items():
            state = "programmée" if name in scheduled else "déjà programmée"
            self.stdout.write(
                f"{name} : chaque jour à {at}, {state} (prochaine exécution {next_run(at):%d/%m/%Y %H:%M})."
            )
