from django.core.management.base import BaseCommand

from cnfs.concertation import conf
from cnfs.concertation.tasks import send_prefecture_digest


class Command(BaseCommand):
    help = (
        "Envoie aux préfectures le récapitulatif quotidien des nouvelles candidatures "
        f"(à lancer par cron selon CNFS_PREFECTURE_DIGEST_SCHEDULE, « {conf.digest_schedule()} » par défaut)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour d'envoi (AAAA-MM-JJ) : la veille est récapitulée.")

    def handle(self, *args, **options):
        result = send_prefecture_digest.enqueue(options.get("date"))
        self.stdout.write(self.style.SUCCESS(f"Récapitulatif mis en file ({result.id})."))
