"""Activity reports (comptes rendus d'activité, CRA): one row per accompaniment an advisor records (SPEC §11).

A report holds no personal data of the people helped: only anonymous counts (participants, their age bands, genders
and situations). The rules every report obeys whatever writes it are check constraints here; the ones a check
constraint cannot say (a date not in the future, sub-themes only with the procedures theme) are checked by the
service, and by the form first, next to their field.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cnfs.core.themes import ACTIVITY_THEMES

__all__ = ["ActivityReport", "ActivityReportQuerySet", "PlaceKind", "ReportKind"]

MAX_PARTICIPANTS = 10_000
MAX_DURATION = 24 * 60 - 1  # 23 h 59
DURATION_PRESETS = (15, 30, 45, 60, 90, 120)
PROCEDURES = "procedures"


class ReportKind(models.TextChoices):
    INDIVIDUAL = "individual", "Accompagnement individuel"
    COLLECTIVE = "collective", "Atelier collectif"
    INFORMATION = "information", "Information ponctuelle"


class PlaceKind(models.TextChoices):
    PLACE = "place", "Dans un de mes lieux d'activité"
    HOME = "home", "Au domicile de la personne"
    REMOTE = "remote", "À distance"
    OTHER = "other", "Autre lieu"


class WorkshopLevel(models.TextChoices):
    BEGINNER = "beginner", "Débutant"
    INTERMEDIATE = "intermediate", "Intermédiaire"
    ADVANCED = "advanced", "Avancé"


class Autonomy(models.TextChoices):
    DONE_FOR = "done_for", "Démarche faite à la place de la personne"
    PARTLY = "partly", "Démarche faite en partie par la personne"
    AUTONOMOUS = "autonomous", "Démarche faite seule par la personne, accompagnée"


class Equipment(models.TextChoices):
    COMPUTER = "computer", "Ordinateur"
    SMARTPHONE = "smartphone", "Smartphone"
    TABLET = "tablet", "Tablette"
    OTHER = "other", "Autre matériel"
    NONE = "none", "Pas de matériel"


class StructureType(models.TextChoices):
    FRANCE_SERVICES = "france_services", "Espace France Services"
    TOWN_HALL = "town_hall", "Mairie ou intercommunalité"
    SOCIAL_SERVICES = "social_services", "Service social (CCAS, département)"
    CAF = "caf", "Caf, CPAM, caisse de retraite"
    FRANCE_TRAVAIL = "france_travail", "France Travail, mission locale"
    ASSOCIATION = "association", "Association"
    DIGITAL_MEDIATION = "digital_mediation", "Autre lieu de médiation numérique"
    OTHER = "other", "Autre structure"


class NationalTheme(models.TextChoices):
    """The national standard's services that the seed's list does not already say (its other services map to a
    seed theme in NATIONAL_SERVICE below)."""

    LEISURE = "leisure", "Loisirs et créations numériques"
    ACCESS = "access", "Accès internet et matériel informatique"
    SOLIDARITY_EQUIPMENT = "solidarity_equipment", "Acquisition de matériel informatique à prix solidaire"


class ProcedureSubTheme(models.TextChoices):
    PAPERS = "papers", "Papiers, élections, citoyenneté"
    FAMILY = "family", "Famille, scolarité"
    SOCIAL_HEALTH = "social_health", "Social, santé"
    WORK = "work", "Travail, formation"
    HOUSING = "housing", "Logement"
    TRANSPORT = "transport", "Transports, mobilité"
    MONEY = "money", "Argent, impôts"
    JUSTICE = "justice", "Justice"
    FOREIGNERS = "foreigners", "Étrangers, Europe"
    LEISURE = "leisure", "Loisirs, culture"
    ASSOCIATIONS = "associations", "Associations"


def report_theme_choices() -> list[tuple[str, str]]:
    """The seed's themes (cnfs.core.themes, the codes the applications' missions share), then the national
    standard's services it lacks."""
    return [(theme.value, theme.label) for theme in ACTIVITY_THEMES] + list(NationalTheme.choices)


# Each theme → the national standard's service it counts as (lieux de médiation numérique 1.0.2, "services").
NATIONAL_SERVICE = {
    "equipment": "Maîtrise des outils numériques du quotidien",
    "internet": "Maîtrise des outils numériques du quotidien",
    "email": "Maîtrise des outils numériques du quotidien",
    "office": "Maîtrise des outils numériques du quotidien",
    "smartphone": "Maîtrise des outils numériques du quotidien",
    "vocabulary": "Compréhension du monde numérique",
    "content": "Maîtrise des outils numériques du quotidien",
    "job": "Insertion professionnelle via le numérique",
    "schooling": "Parentalité et éducation avec le numérique",
    "business": "Insertion professionnelle via le numérique",
    "family": "Maîtrise des outils numériques du quotidien",
    "procedures": "Aide aux démarches administratives",
    "health": "Aide aux démarches administratives",
    "security": "Utilisation sécurisée du numérique",
    "leisure": "Loisirs et créations numériques",
    "access": "Accès internet et matériel informatique",
    "solidarity_equipment": "Acquisition de matériel informatique à prix solidaire",
}

# The breakdowns of the participants: (field, label) per band, in display order. Each sums to at most the total.
AGE_BANDS = (
    ("age_under_12", "Moins de 12 ans"),
    ("age_12_18", "12 à 17 ans"),
    ("age_18_35", "18 à 34 ans"),
    ("age_35_60", "35 à 59 ans"),
    ("age_over_60", "60 ans et plus"),
)
GENDERS = (
    ("gender_female", "Femmes"),
    ("gender_male", "Hommes"),
    ("gender_other", "Autre ou non communiqué"),
)
SITUATIONS = (
    ("situation_student", "Scolaire ou étudiant"),
    ("situation_employed", "En emploi"),
    ("situation_job_seeker", "En recherche d'emploi"),
    ("situation_retired", "Retraité"),
    ("situation_other", "Autre situation ou non communiquée"),
)
BREAKDOWNS = (
    ("ages", "Tranches d'âge", AGE_BANDS),
    ("genders", "Genre", GENDERS),
    ("situations", "Situation", SITUATIONS),
)
BREAKDOWN_FIELDS = [name for _, _, bands in BREAKDOWNS for name, _ in bands]


def _sum(bands):
    total = None
    for name, _ in bands:
        total = F(name) if total is None else total + F(name)
    return total


def _list():
    return []


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class ActivityReportQuerySet(models.QuerySet):
    def by(self, advisor):
        return self.filter(advisor=advisor)

    def visible_to(self, role_context):
        """Reports in the current role's scope: an advisor their own and nobody else's; a structure its advisors';
        a préfecture or a hub those of the advisors whose structure is in its départements; ANCT all; a coordinator
        those of the current members of their team (cnfs.teams), not their own (their advisor role shows those)."""
        from cnfs.accounts.roles import Role

        from .models import current_advisor

        role = role_context.role
        if role == Role.ANCT:
            return self
        if role in (Role.PREFECTURE, Role.HUB):
            return self.filter(advisor__structure__departement_id__in=role_context.departement_codes)
        if role == Role.STRUCTURE:
            return self.filter(advisor__structure_id=role_context.current.structure_id)
        if role == Role.ADVISOR:
            advisor = current_advisor(role_context)
            return self.by(advisor) if advisor else self.none()
        if role == Role.COORDINATOR:
            coordinator = current_advisor(role_context)
            if coordinator is None:
                return self.none()
            # Through the relations' names (the teams app sits above this one); "active" is
            # cnfs.teams.models.MembershipStatus.ACTIVE. One filter() call: both conditions on the same membership.
            return self.filter(
                advisor__team_memberships__team__coordinator=coordinator,
                advisor__team_memberships__status="active",
            )
        return self.none()


class ActivityReport(models.Model):
    advisor = models.ForeignKey(
        "recruitment.Advisor",
        on_delete=models.PROTECT,
        related_name="activity_reports",
        verbose_name="conseiller numérique",
    )
    date = models.DateField("date de l'accompagnement")
    kind = models.CharField("type d'accompagnement", max_length=20, choices=ReportKind.choices)
    title = models.CharField("titre de l'atelier", max_length=150, blank=True)
    level = models.CharField("niveau de l'atelier", max_length=20, choices=WorkshopLevel.choices, blank=True)
    place_kind = models.CharField("lieu de l'accompagnement", max_length=10, choices=PlaceKind.choices)
    place = models.ForeignKey(
        "activity.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="lieu d'activité",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="commune",
    )
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    themes = models.JSONField("thématiques", default=_list)
    sub_themes = models.JSONField("démarches administratives", default=_list, blank=True)
    equipment = models.JSONField("matériel utilisé", default=_list, blank=True)
    participants = models.PositiveIntegerField("nombre de participants", default=1)
    already_accompanied = _count("dont déjà accompagnés auparavant")
    age_under_12 = _count("moins de 12 ans")
    age_12_18 = _count("12 à 17 ans")
    age_18_35 = _count("18 à 34 ans")
    age_35_60 = _count("35 à 59 ans")
    age_over_60 = _count("60 ans et plus")
    gender_female = _count("femmes")
    gender_male = _count("hommes")
    gender_other = _count("autre ou non communiqué")
    situation_student = _count("scolaires ou étudiants")
    situation_employed = _count("en emploi")
    situation_job_seeker = _count("en recherche d'emploi")
    situation_retired = _count("retraités")
    situation_other = _count("autre situation")
    autonomy = models.CharField("autonomie", max_length=20, choices=Autonomy.choices, blank=True)
    redirected_to = models.CharField(
        "réorientation vers une autre structure", max_length=30, choices=StructureType.choices, blank=True
    )
    aidants_connect = models.BooleanField("mandat Aidants Connect conclu", default=False)
    pass_numerique = models.PositiveIntegerField("Pass Numérique remis", default=0)
    notes = models.TextField("notes", max_length=2000, blank=True)
    submission_key = models.UUIDField(
        "clé de saisie",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Donnée par le formulaire : un même formulaire envoyé deux fois n'enregistre qu'un compte rendu.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ActivityReportQuerySet.as_manager()

    class Meta:
        verbose_name = "compte rendu d'activité"
        verbose_name_plural = "comptes rendus d'activité"
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["advisor", "-date"], name="report_advisor_date"),
            # The days of a period's partly covered months, read from the reports next to the monthly rollups.
            models.Index(fields=["date"], name="report_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(date__gte="2000-01-01"), name="report_date_from_2000"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_kind_known"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION),
                name="report_duration_in_a_day",
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=1, participants__lte=MAX_PARTICIPANTS),
                name="report_participants_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.INDIVIDUAL) | Q(participants=1),
                name="report_individual_is_one_person",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.COLLECTIVE) | Q(title="", level=""),
                name="report_title_level_collective_only",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.INDIVIDUAL) | Q(autonomy=""),
                name="report_autonomy_individual_only",
            ),
            models.CheckConstraint(condition=~Q(themes=[]), name="report_has_a_theme"),
            models.CheckConstraint(
                condition=Q(place_kind=PlaceKind.PLACE, place__isnull=False, commune__isnull=True)
                | Q(
                    place_kind__in=[PlaceKind.HOME, PlaceKind.OTHER],
                    place__isnull=True,
                    commune__isnull=False,
                )
                | Q(place_kind=PlaceKind.REMOTE, place__isnull=True, commune__isnull=True),
                name="report_place_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(already_accompanied__lte=F("participants")),
                name="report_already_accompanied_le_total",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(participants__gte=_sum(bands)), name=f"report_{key}_le_total"
                )
                for key, _, bands in BREAKDOWNS
            ],
            models.CheckConstraint(
                condition=Q(pass_numerique__lte=MAX_PARTICIPANTS), name="report_pass_numerique_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    @property
    def place_label(self) -> str:
        if self.place_kind == PlaceKind.PLACE and self.place_id:
            return self.place.name
        if self.commune_id:
            return f"{self.get_place_kind_display()} ({self.commune.name})"
        return self.get_place_kind_display()
