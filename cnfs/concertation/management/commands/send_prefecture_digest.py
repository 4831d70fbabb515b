from django.core.management.base import BaseCommand

from cnfs.concertation.tasks import send_prefecture_digest


class Command(BaseCommand):
    help = (
        "Envoie tout de suite aux préfectures le récapitulatif des nouvelles candidatures. L'envoi quotidien est "
        "programmé par `schedule_tasks` (réglage CNFS_DAILY_TASKS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour d'envoi (AAAA-MM-JJ) : la veille est récapitulée.")

    def handle(self, *args, **options):
        result = send_prefecture_digest.enqueue(options.get("date"))
        self.stdout.write(self.style.SUCCESS(f"Récapitulatif mis en file ({result.id})."))
