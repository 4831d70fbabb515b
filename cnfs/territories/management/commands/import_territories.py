from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cnfs.territories import importer, sources


class Command(BaseCommand):
    help = "Importe (ou met à jour) les régions, départements, EPCI et communes depuis un dossier CSV ou un JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            required=True,
            help="dossier contenant les 4 fichiers CSV, ou fichier JSON geo.api.gouv.fr",
        )
        parser.add_argument(
            "--fallback",
            action="store_true",
            help="si la source est absente : geo.api.gouv.fr, sinon le jeu intégré de quelques communes",
        )
        parser.add_argument("--database", default="default", help="alias de la base de données")

    def handle(self, *args, source, fallback, database, **options):
        path = Path(source)
        try:
            if path.exists():
                dataset = sources.read_source(path)
            elif fallback:
                dataset = importer.fallback_dataset(log=self.stdout.write)
            else:
                raise CommandError(f"Source introuvable : {path} (utilisez --fallback pour le jeu intégré)")
            report = importer.sync(dataset, using=database)
        except sources.SourceError as exc:
            raise CommandError(
                "Import annulé, aucune donnée n'a été modifiée.\n" + "\n".join(exc.errors)
            ) from exc
        except importer.ImportFailed as exc:
            raise CommandError(f"Import annulé, aucune donnée n'a été modifiée : {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Import terminé en {report.seconds:.1f} s ({dataset.label})."))
