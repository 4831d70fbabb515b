"""Demo places of activity, written through `cnfs.activity.services` by the demo advisors themselves (so the journal
tells who created and shared what): each advisor in post holds a place in their structure's commune and one in a
nearby commune; advisors working in the same commune share its place (whatever their structure); one place is
itinerant, two are not shown on the map (an office, a place whose hours are being agreed). Hours are the ones such places keep (town hall mornings, library afternoons, Saturday mornings, "PH off").
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
    main_by_commune, second_by_commune = {}, {}
    created = seconds = 0
    for advisor in advisors:
        user = advisor.candidate.user
        commune = advisor.structure.commune
        if commune is None:
            continue
        main = main_by_commune.get(commune.pk)
        if main is None:
            values = _values(MAIN_PLACES[len(main_by_commune) % len(MAIN_PLACES)], commune)
            if values:
                main = main_by_commune[commune.pk] = services.create_place(advisor, values, by=user)
                created += 1
            if values and len(main_by_commune) == 1:
                # The first structure's office: where its advisors work without receiving the public (off the map).
                office = {**values, "name": f"Bureau des conseillers — {advisor.structure.name}"}
                office.update(
                    address="Hôtel de ville", opening_hours="", services=[], visible=False,
                    access_modes=["Ce lieu n'accueille pas de public"], support_modes=["À distance"],
                    audiences=[], specific_support=[],
                )  # fmt: skip
                services.create_place(advisor, office, by=user)
                created += 1
        else:  # a colleague (of this structure or another one in the commune) holds it already: they share it
            services.share_place(main, advisor, by=main.created_by)
        neighbour = _neighbour(commune)
        if neighbour is not None and neighbour.pk in second_by_commune:
            # A colleague already holds a place there: they hold it together rather than side by side.
            second = second_by_commune[neighbour.pk]
            if not second.advisors.filter(pk=advisor.pk).exists():
                services.share_place(second, advisor, by=second.created_by)
        elif neighbour is not None:
            extra = {}
            if seconds % 3 == 1:
                extra = {"mobility": standard.ITINERANT, "name": "Bus numérique — étape de {commune}"}
            elif seconds % 3 == 2:
                extra = {"visible": False}  # a place kept off the map (its hours are still being agreed)
            template = SECOND_PLACES[seconds % len(SECOND_PLACES)]
            if "name" in extra:
                template = (extra.pop("name"), *template[1:])
            values = _values(template, neighbour, **extra)
            if values:
                second_by_commune[neighbour.pk] = services.create_place(advisor, values, by=user)
                created += 1
                seconds += 1
    return created
