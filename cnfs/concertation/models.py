import uuid
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from cnfs.core.models import TransitionLog
from cnfs.core.themes import Theme, labels
from cnfs.structures.models import StructureType


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    WAITING_FOR_WAVE = "waiting_for_wave", "En attente de vague"
    SUBMITTED = "submitted", "Transmise au préfet"
    OPINION_GIVEN = "opinion_given", "Avis du préfet donné"
    FURTHER_EXAMINATION = "further_examination", "Examen complémentaire"
    ACCEPTED = "accepted", "Décision positive"
    REFUSED = "refused", "Décision négative"
    ACTIVATED = "activated", "Structure activée"
    ABANDONED = "abandoned", "Abandonnée"
    CANCELLED = "cancelled", "Annulée par la structure"
    DUPLICATE = "duplicate", "Doublon"


# Applications that hold their SIRET: one at a time per SIRET.
ACTIVE_STATUSES = (
    ApplicationStatus.WAITING_FOR_WAVE,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.OPINION_GIVEN,
    ApplicationStatus.FURTHER_EXAMINATION,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.ACTIVATED,
)
# Applications waiting for a decision (those waiting for a wave included: the préfet sees them coming).
PENDING_STATUSES = (
    ApplicationStatus.WAITING_FOR_WAVE,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.OPINION_GIVEN,
    ApplicationStatus.FURTHER_EXAMINATION,
)


# The missions planned by an application are the shared themes of cnfs.core.themes (also those of activity reports).
Mission = Theme


class Wave(models.Model):
    """A round of territorial concertation ("vague"): an application belongs to the wave open when submitted."""

    name = models.CharField("nom", max_length=100, unique=True)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    target_posts = models.PositiveIntegerField("objectif de postes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vague"
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def open_on(cls, day: date):
        return cls.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by("-opens_on").first()

    @classmethod
    def overlapping(cls, opens_on: date, closes_on: date):
        """Waves sharing at least one day with [opens_on, closes_on]."""
        return cls.objects.filter(opens_on__lte=closes_on, closes_on__gte=opens_on).order_by("opens_on")

    @property
    def is_closed(self) -> bool:
        return self.closes_on < timezone.localdate()


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, role_context):
        """Applications in the current role's scope; drafts are only visible through their private link."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        transmitted = self.exclude(status=ApplicationStatus.DRAFT)
        if role == Role.ANCT:
            return transmitted
        if role == Role.PREFECTURE:
            return transmitted.filter(departement_id__in=role_context.departement_codes)
        if role == Role.STRUCTURE:
            return transmitted.filter(structure_id=role_context.current.structure_id)
        return self.none()

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def pending(self):
        return self.filter(status__in=PENDING_STATUSES)

    def with_list_data(self):
        """Everything a list row shows but the posts granted (see `attach_posts_granted`, once the page is cut)."""
        return self.select_related("wave", "commune__epci", "departement__region", "opinion")

    def with_posts_granted(self):
        """`granted` on each row, as a correlated count of its posts (evaluated only for the rows returned)."""
        from cnfs.structures.models import Post

        granted = (
            Post.objects.granted()
            .filter(granted_by__application=OuterRef("pk"))
            .order_by()
            .values("granted_by__application")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(granted=Coalesce(Subquery(granted), 0))


def attach_posts_granted(applications):
    """Sets `granted` on each application of a page, in one query: the lists cut the page first, then count."""
    from cnfs.structures.models import Post

    applications = list(applications)
    counts = Post.objects.granted_per("granted_by__application_id", (a.pk for a in applications))
    for application in applications:
        application.granted = counts.get(application.pk, 0)
    return applications


class StructureApplication(models.Model):
    """The application of a structure: the answers to the questions of SPEC §2, then its journey to a decision."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        "statut",
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    last_step = models.PositiveSmallIntegerField("dernière étape enregistrée", default=0)
    wave = models.ForeignKey(
        Wave,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="vague",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="structure",
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="doublon de"
    )
    # 1–3: identity
    type = models.CharField("type de structure", max_length=20, choices=StructureType.choices)
    siret = models.CharField("SIRET", max_length=14, db_index=True)
    name = models.CharField("raison sociale", max_length=200)
    usual_name = models.CharField("nom d'usage", max_length=200, blank=True)
    # 4: address
    address = models.CharField("adresse", max_length=250, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # 5: contact
    contact_first_name = models.CharField("prénom", max_length=150, blank=True)
    contact_last_name = models.CharField("nom", max_length=150, blank=True)
    contact_job_title = models.CharField("fonction", max_length=150, blank=True)
    contact_email = models.EmailField("adresse électronique", blank=True)
    contact_phone = models.CharField("téléphone", max_length=20, blank=True)
    # 6–9: project
    advisors_wanted = models.PositiveSmallIntegerField(
        "nombre de conseillers souhaités", null=True, blank=True, help_text="Vide : pas encore décidé."
    )
    start_date = models.DateField("date de démarrage souhaitée", null=True, blank=True)
    missions = models.JSONField("missions prévues", default=list, blank=True)
    place_communes = models.ManyToManyField(
        "territories.Commune", blank=True, related_name="+", verbose_name="communes d'intervention"
    )
    itinerant = models.BooleanField("conseiller itinérant", default=False)
    # 10: priority policies
    qpv = models.BooleanField("Quartier prioritaire de la politique de la ville (QPV)", default=False)
    petites_villes = models.BooleanField("Petites villes de demain", default=False)
    coeur_de_ville = models.BooleanField("Action cœur de ville", default=False)
    zrr = models.BooleanField("Zone de revitalisation rurale (ZRR)", default=False)
    france_services = models.BooleanField("Labellisée France Services", default=False)
    # 11–12: shared recruitment, identified candidate
    shared_recruitment = models.BooleanField("recrutement mutualisé", default=False)
    partners = models.TextField("structures partenaires", max_length=2000, blank=True)
    candidate_name = models.CharField("nom du candidat identifié", max_length=200, blank=True)
    candidate_email = models.EmailField("adresse du candidat identifié", blank=True)
    motivation = models.TextField("motivation", max_length=2500, blank=True)
    commitments_accepted_at = models.DateTimeField("engagements acceptés le", null=True, blank=True)
    # journey
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    email_confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature de structure"
        verbose_name_plural = "candidatures de structures"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="application_one_active_per_siret",
            ),
            models.CheckConstraint(
                condition=Q(advisors_wanted__isnull=True)
                | Q(advisors_wanted__gte=1, advisors_wanted__lte=30),
                name="application_advisors_wanted_1_30",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("motivation"), 2500)),
                name="application_motivation_max_2500",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        ApplicationStatus.DRAFT,
                        ApplicationStatus.ABANDONED,
                        ApplicationStatus.CANCELLED,
                    ]
                )
                | Q(
                    email_confirmed_at__isnull=False,
                    submitted_at__isnull=False,
                    commitments_accepted_at__isnull=False,
                    departement__isnull=False,
                ),
                name="application_transmitted_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.ACTIVATED) | Q(structure__isnull=False),
                name="application_activated_has_structure",
            ),
        ]
        indexes = [models.Index(fields=["departement", "status"], name="application_dep_status")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.usual_name or self.name or "Candidature sans nom"

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def policies(self) -> list[str]:
        return [
            self._meta.get_field(name).verbose_name
            for name in ("qpv", "petites_villes", "coeur_de_ville", "zrr", "france_services")
            if getattr(self, name)
        ]

    @property
    def mission_labels(self) -> list[str]:
        return labels(self.missions)

    @property
    def is_waiting_past_wave(self) -> bool:
        """Still pending although its wave has closed: shown highlighted to the préfet and to ANCT."""
        return bool(self.status in PENDING_STATUSES and self.wave and self.wave.is_closed)

    def posts_granted(self) -> int:
        if hasattr(self, "granted"):
            return self.granted
        from cnfs.structures.models import Post

        return Post.objects.granted().filter(granted_by__application=self).count()


class ApplicationTransition(TransitionLog):
    """One row per status change of an application: who, when, from, to, why."""

    subject_field = "application"

    application = models.ForeignKey(
        StructureApplication, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut"


class OpinionValue(models.TextChoices):
    FAVOURABLE = "favourable", "Favorable"
    UNFAVOURABLE = "unfavourable", "Défavorable"


class PrefectOpinion(models.Model):
    """The préfet's opinion ("avis") on an application: one per application."""

    application = models.OneToOneField(StructureApplication, on_delete=models.CASCADE, related_name="opinion")
    value = models.CharField("avis", max_length=20, choices=OpinionValue.choices)
    comment = models.TextField("commentaire", max_length=1000)
    suggested_posts = models.PositiveSmallIntegerField("nombre de postes suggéré", null=True, blank=True)
    policy_notes = models.CharField("liens avec les politiques prioritaires", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "avis du préfet"
        verbose_name_plural = "avis des préfets"
        constraints = [
            models.CheckConstraint(
                condition=Q(GreaterThanOrEqual(Length("comment"), 10))
                & Q(LessThanOrEqual(Length("comment"), 1000)),
                name="opinion_comment_10_1000",
            ),
            models.CheckConstraint(
                condition=Q(suggested_posts__isnull=True) | Q(suggested_posts__lte=30),
                name="opinion_posts_max_30",
            ),
        ]

    def __str__(self):
        return f"Avis {self.get_value_display().lower()} sur {self.application}"


class DecisionOutcome(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Négative"
    FURTHER_EXAMINATION = "further_examination", "Examen complémentaire"


class DecisionKind(models.TextChoices):
    APPLICATION = "application", "Candidature"
    ADDITION = "addition", "Ajout de postes"
    RETURN = "return", "Retrait de postes"


class CommitteeDecision(models.Model):
    """A decision of the selection committee (coselec), numbered and dated. `posts` is signed: the posts a
    structure holds are the sum of its decisions (grant, later additions, returns)."""

    application = models.ForeignKey(StructureApplication, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(
        "nature", max_length=20, choices=DecisionKind.choices, default=DecisionKind.APPLICATION
    )
    outcome = models.CharField("décision", max_length=20, choices=DecisionOutcome.choices)
    posts = models.SmallIntegerField("postes", default=0)
    committee_date = models.DateField("date du comité")
    comment = models.TextField("commentaire", max_length=1000, blank=True)
    change_request = models.OneToOneField(
        "PostChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    without_opinion_reason = models.TextField(
        "motif de la décision sans avis du préfet",
        max_length=1000,
        blank=True,
        help_text="Rempli quand l'ANCT décide avant l'avis du préfet.",
    )
    number = models.CharField("numéro", max_length=12, unique=True, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "décision du comité de sélection"
        verbose_name_plural = "décisions du comité de sélection"
        ordering = ["committee_date", "id"]
        constraints = [
            # One final decision (positive or negative) per application: two agents deciding at once → one wins.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind=DecisionKind.APPLICATION)
                & Q(outcome__in=[DecisionOutcome.POSITIVE, DecisionOutcome.NEGATIVE]),
                name="decision_one_final_per_application",
            ),
            models.CheckConstraint(
                condition=(Q(kind=DecisionKind.APPLICATION, outcome=DecisionOutcome.POSITIVE, posts__gte=1))
                | (Q(kind=DecisionKind.APPLICATION) & ~Q(outcome=DecisionOutcome.POSITIVE) & Q(posts=0))
                | Q(kind=DecisionKind.ADDITION, outcome=DecisionOutcome.POSITIVE, posts__gte=1)
                | Q(kind=DecisionKind.RETURN, outcome=DecisionOutcome.POSITIVE, posts__lte=-1),
                name="decision_posts_match_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind=DecisionKind.APPLICATION) | Q(change_request__isnull=False),
                name="decision_change_has_request",
            ),
        ]

    def __str__(self):
        return f"Décision n° {self.number}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if not self.number:
                self.number = DecisionCounter.next_number(self.committee_date.year)
            super().save(*args, **kwargs)


class DecisionCounter(models.Model):
    """The last decision number given in a year: locked while the next one is taken, so numbers have no gap and no
    duplicate whatever the number of agents deciding at once."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "compteur des décisions"

    def __str__(self):
        return f"{self.year} : {self.last}"

    @classmethod
    def next_number(cls, year: int) -> str:
        """`YYYY-NNNNN`, the next number of `year`; the caller's transaction holds the counter row until it ends."""
        cls.objects.bulk_create([cls(year=year)], ignore_conflicts=True)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{year}-{counter.last:05d}"


class ChangeKind(models.TextChoices):
    ADDITION = "addition", "Ajout de postes"
    RETURN = "return", "Retrait de postes"


class ChangeMotive(models.TextChoices):
    MORE_DEMAND = "more_demand", "Besoins des habitants plus importants que prévu"
    NEW_TERRITORY = "new_territory", "Extension à de nouveaux lieux ou communes"
    SHARED = "shared", "Recrutement mutualisé avec de nouveaux partenaires"
    NO_CANDIDATE = "no_candidate", "Pas de candidat adapté"
    BUDGET = "budget", "Contraintes budgétaires"
    PROJECT_CHANGE = "project_change", "Changement du projet de la structure"
    OTHER = "other", "Autre motif"


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    OPINION_GIVEN = "opinion_given", "Avis du préfet donné"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


class PostChangeRequest(models.Model):
    """A structure asks to add posts or to give some back; the préfet gives an opinion on additions, ANCT decides."""

    application = models.ForeignKey(
        StructureApplication, on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField("demande", max_length=20, choices=ChangeKind.choices)
    posts = models.PositiveSmallIntegerField("nombre de postes")
    motive = models.CharField("motif", max_length=20, choices=ChangeMotive.choices)
    comment = models.TextField("précisions", max_length=1000, blank=True)
    status = models.CharField(
        "statut", max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    opinion = models.CharField("avis du préfet", max_length=20, choices=OpinionValue.choices, blank=True)
    opinion_comment = models.TextField("commentaire du préfet", max_length=1000, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opinion_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField("commentaire de la décision", max_length=1000, blank=True)

    class Meta:
        verbose_name = "demande de modification de postes"
        verbose_name_plural = "demandes de modification de postes"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(posts__gte=1, posts__lte=30), name="change_posts_1_30"),
            # One open request at a time per application.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=[ChangeStatus.REQUESTED, ChangeStatus.OPINION_GIVEN]),
                name="change_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.OPINION_GIVEN) | ~Q(opinion=""),
                name="change_opinion_has_value",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.posts}) — {self.application}"

    @property
    def signed_posts(self) -> int:
        return self.posts if self.kind == ChangeKind.ADDITION else -self.posts


class CancellationLink(models.Model):
    """Proof that the applicant asks to cancel a transmitted application: a single-use, expiring link emailed to the
    contact (the summary page's permanent link is not enough). Only the token's hash is stored."""

    application = models.ForeignKey(
        StructureApplication, on_delete=models.CASCADE, related_name="cancellation_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lien d'annulation"
        verbose_name_plural = "liens d'annulation"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="cancellation_link_expires_after_creation",
            )
        ]

    def __str__(self):
        return f"Lien d'annulation n° {self.pk} ({self.application_id})"


class PostChangeTransition(TransitionLog):
    """One row per status change of a post change request, its creation included: who, when, from, to, why."""

    subject_field = "change"

    change = models.ForeignKey(PostChangeRequest, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ChangeStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ChangeStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'une demande de postes"
