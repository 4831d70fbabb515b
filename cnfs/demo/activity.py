"""Demo places of activity, written through `cnfs.activity.services` by the demo advisors themselves (so the journal
tells who created and shared what): each advisor in post holds a place in their structure's commune and one in a
nearby commune; advisors of the same structure share its main place; one place is itinerant, one is not shown on the
map. Hours are the ones such places keep (town hall mornings, library afternoons, Saturday mornings, "PH off").
Idempotent: nothing is done once a place exists."""

from django.db import transaction

from cnfs.activity import services, standard
from cnfs.activity.models import Place
from cnfs.recruitment.models import Advisor, AdvisorStatus
from cnfs.territories.geo import within_km
from cnfs.territories.models import Commune

SERVICES = [value for value, _ in standard.SERVICES]
HELP_WITH_FORMS, EVERYDAY_TOOLS, JOBS, SAFETY, PARENTS = SERVICES[:5]

# (name pattern, address, hours, services, access, support, audiences, specific support)
MAIN_PLACES = [
    (
        "Médiathèque de {commune}",
        "2 place de la Libération",
        "Tu,Th 14:00-18:00; We 09:30-12:30,14:00-18:00; Sa 09:30-12:30; PH off",
        [EVERYDAY_TOOLS, SAFETY, PARENTS],
        ["Se présenter", "Téléphoner"],
        ["Accompagnement individuel", "Dans un atelier collectif", "En autonomie"],
        ["Familles et/ou enfants", "Seniors"],
        ["Illettrisme"],
    ),
    (
        "Espace France Services de {commune}",
        "9 rue de la République",
        "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
        [HELP_WITH_FORMS, EVERYDAY_TOOLS, JOBS],
        ["Se présenter", "Téléphoner", "Prendre un RDV en ligne"],
        ["Accompagnement individuel"],
        [],
        ["Langues étrangères (anglais)"],
    ),
]
SECOND_PLACES = [
    (
        "Mairie de {commune} — permanence numérique",
        "1 place de la Mairie",
        "Mo,Th 09:00-12:00; PH off",
        [HELP_WITH_FORMS, EVERYDAY_TOOLS],
        ["Se présenter", "Téléphoner"],
        ["Accompagnement individuel"],
        ["Seniors"],
        [],
    ),
    (
        "Centre social de {commune}",
        "14 avenue Jean Jaurès",
        "Tu 14:00-17:30; Fr 09:00-12:00,14:00-17:00; PH off",
        [EVERYDAY_TOOLS, JOBS, PARENTS],
        ["Se présenter", "Contacter par mail"],
        ["Dans un atelier collectif", "Accompagnement individuel"],
        ["Jeunes", "Femmes"],
        [],
    ),
]


def _values(template, commune, **extra) -> dict | None:
    codes = sorted(commune.postal_codes.values_list("code", flat=True))
    if not codes or commune.latitude is None:
        return None  # a commune the territory import left without postal code or position: no place there
    name, address, opening_hours, offered, access, support, audiences, specific = template
    return {
        "name": name.format(commune=commune.name),
        "address": address,
        "commune": commune,
        "postal_code": codes[0],
        "opening_hours": opening_hours,
        "services": offered,
        "access_modes": access,
        "support_modes": support,
        "audiences": audiences,
        "specific_support": specific,
        "fees": ["Gratuit"],
        "national_programmes": [standard.ADVISORS_PROGRAMME],
        "mobility": standard.FIXED,
        "visible": True,
        **extra,
    }


def _neighbour(commune):
    """The most populated other commune within 25 km (up to 100 km in a sparse territory): a place of the advisor's second
    half-week."""
    if commune.latitude is None:
        return None
    for radius in (25, 60, 100):
        found = (
            within_km(Commune.objects.exclude(pk=commune.pk), commune.latitude, commune.longitude, radius)
            .order_by("-population", "distance_km")
            .first()
        )
        if found is not None:
            return found
    return None


@transaction.atomic
def seed_places() -> int:
    if Place.objects.exists():
        return 0
    advisors = list(
        Advisor.objects.filter(status=AdvisorStatus.ACTIVE)
        .select_related("structure__commune", "candidate__user")
        .order_by("structure_id", "pk")
    )
    main_by_structure = {}
    created = seconds = 0
    for advisor in advisors:
        user = advisor.candidate.user
        commune = advisor.structure.commune
        if commune is None:
            continue
        main = main_by_structure.get(advisor.structure_id)
        if main is None:
            values = _values(MAIN_PLACES[len(main_by_structure) % len(MAIN_PLACES)], commune)
            if values:
                main = main_by_structure[advisor.structure_id] = services.create_place(
                    advisor, values, by=user
                )
                created += 1
        else:
            services.share_place(main, advisor, by=main.created_by)
        neighbour = _neighbour(commune)
        if neighbour is not None:
            extra = {}
            if seconds % 4 == 1:
                extra = {"mobility": standard.ITINERANT, "name": "Bus numérique — étape de {commune}"}
            elif seconds % 4 == 3:
                extra = {"visible": False}  # a place kept off the map (its hours are still being agreed)
            template = SECOND_PLACES[seconds % len(SECOND_PLACES)]
            if "name" in extra:
                template = (extra.pop("name"), *template[1:])
            values = _values(template, neighbour, **extra)
            if values:
                services.create_place(advisor, values, by=user)
                created += 1
                seconds += 1
    return created
