"""The open-data files of the "Données ouvertes" page: each file is its columns (declared once, shared with the public
API), its rows and the date its data last changed. The same declarations give the CSV files, their data dictionary
(on the page and as a CSV file) and the download names, all dated `<subject>-AAAA-MM-JJ.csv`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cnfs.activity import opendata as places_opendata
from cnfs.activity.models import Place
from cnfs.core.exports import dated_filename, safe_cell
from cnfs.core.opendata import DICTIONARY_HEADER, Column, csv_lines, csv_response, table_lines
from cnfs.statistics import public as public_statistics
from cnfs.structures import opendata as structures_opendata
from cnfs.structures.models import Post

CHUNK = 2000
DICTIONARY_STEM = "dictionnaire-des-donnees"


def _day(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _latest(queryset) -> date | None:
    return _day(queryset.aggregate(latest=Max("updated_at"))["latest"])


@dataclass(frozen=True)
class OpenDataFile:
    stem: str  # the download name before its date, and the anchor of its section
    title: str
    description: str
    url_name: str
    columns: Callable[[], list[Column]]
    rows: Callable[[], object]
    updated: Callable[[], date | None]  # the last change of its data
    updated_label: str = "Mis à jour le"

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    @property
    def filename(self) -> str:
        return dated_filename(self.stem, "csv")

    def response(self):
        return csv_response(table_lines(self.columns(), self.rows()), self.filename)


FILES = (
    OpenDataFile(
        stem="structures",
        title="Structures accueillantes",
        description="Les structures activées du dispositif (collectivités, associations…), leur commune et leurs "
        "postes attribués et pourvus. Une ligne par structure.",
        url_name="public:open_data_structures",
        columns=lambda: structures_opendata.STRUCTURE_COLUMNS,
        rows=lambda: structures_opendata.public_structures().order_by("pk").iterator(chunk_size=CHUNK),
        updated=lambda: max(
            filter(
                None,
                (
                    _latest(structures_opendata.public_structures().order_by()),
                    _latest(Post.objects.all()),
                ),
            ),
            default=None,
        ),
    ),
    OpenDataFile(
        stem="postes",
        title="Postes",
        description="Les postes de conseiller numérique attribués par les comités de sélection, leur date limite "
        "de recrutement et leur statut. Une ligne par poste.",
        url_name="public:open_data_posts",
        columns=lambda: structures_opendata.POST_COLUMNS,
        rows=lambda: structures_opendata.public_posts().order_by("pk").iterator(chunk_size=CHUNK),
        updated=lambda: _latest(Post.objects.all()),
    ),
    OpenDataFile(
        stem=places_opendata.CSV_STEM,
        title="Lieux de médiation numérique",
        description="Les lieux d'activité des conseillers visibles sur la carte publique, au format du standard "
        "national des lieux de médiation numérique (version 1.0.2 ; plusieurs valeurs séparées par « | »). "
        "Une ligne par lieu.",
        url_name="activity:open_data_csv",
        columns=places_opendata.place_columns,
        rows=lambda: (places_opendata.standard_row(place) for place in places_opendata.exported_places()),
        updated=lambda: _latest(Place.objects.public()),
    ),
    OpenDataFile(
        stem="activite-mensuelle-par-departement",
        title="Activité mensuelle par département",
        description="Les accompagnements des conseillers et les personnes accompagnées, par département et par "
        "mois, jusqu'au dernier mois complet. Une ligne par département et mois ayant eu des accompagnements.",
        url_name="public:open_data_monthly_activity",
        columns=lambda: public_statistics.MONTHLY_ACTIVITY_COLUMNS,
        rows=public_statistics.monthly_activity,
        updated=lambda: public_statistics.last_complete_month(timezone.localdate())[1],
        updated_label="Données arrêtées au",
    ),
)


def file(stem: str) -> OpenDataFile:
    return next(item for item in FILES if item.stem == stem)


def dictionary_rows():
    for item in FILES:
        for column in item.columns():
            line = [item.stem, column.name, column.type_label, column.description, column.example]
            yield [safe_cell(value) for value in line]  # an example like "+33…" is not a formula


def dictionary_response():
    return csv_response(
        csv_lines(DICTIONARY_HEADER, dictionary_rows()), dated_filename(DICTIONARY_STEM, "csv")
    )
