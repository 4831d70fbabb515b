from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count
from django.utils import timezone

from cnfs.core.models import TransitionLog


class StructureType(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    OTHER_PUBLIC = "other_public", "Autre structure publique (GIP, syndicat…)"
    ASSOCIATION = "association", "Association"
    PRIVATE_ESS = "private_ess", "Entreprise privée de l'économie sociale et solidaire"

    @classmethod
    def public_types(cls):
        return {cls.COMMUNE, cls.EPCI, cls.DEPARTEMENT, cls.REGION, cls.OTHER_PUBLIC}


class StructureQuerySet(models.QuerySet):
    def visible_to(self, role_context):
        """Structures in the current role's scope: ANCT and BDT all, a préfecture its territory, a structure itself."""
        from cnfs.accounts.roles import Role

        role = role_context.role
        if role in (Role.ANCT, Role.BDT):
            return self
        if role == Role.PREFECTURE:
            return self.filter(departement_id__in=role_context.departement_codes)
        if role == Role.STRUCTURE:
            return self.filter(pk=role_context.current.structure_id)
        return self.none()


class Structure(models.Model):
    """A host organisation, created when its application is accepted (or earlier, for legacy data)."""

    name = models.CharField("raison sociale", max_length=200)
    usual_name = models.CharField("nom d'usage", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, db_index=True)
    type = models.CharField("type de structure", max_length=20, choices=StructureType.choices)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="structures", null=True, blank=True
    )
    departement = models.ForeignKey(
        "territories.Departement",
        on_delete=models.PROTECT,
        related_name="structures",
        verbose_name="département",
    )
    # Location: one département, used for scope, emails and matching alike.
    address = models.CharField("adresse", max_length=250, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Contact
    contact_first_name = models.CharField("prénom du contact", max_length=150, blank=True)
    contact_last_name = models.CharField("nom du contact", max_length=150, blank=True)
    contact_job_title = models.CharField("fonction du contact", max_length=150, blank=True)
    contact_email = models.EmailField("adresse électronique du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=20, blank=True)
    # Programme
    mission_start = models.DateField("date de démarrage de la mission", null=True, blank=True)
    activated_at = models.DateTimeField("activée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    # Any change to the record (what the public API's "updated_since" filter reads).
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]

    def __str__(self):
        return self.usual_name or self.name

    @property
    def activated(self) -> bool:
        return self.activated_at is not None

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def territory(self) -> str:
        from cnfs.candidates.models import territory_of

        return territory_of(self.departement)

    @property
    def availability_day(self):
        """Candidates must be available on the mission start date, or today if that date is past."""
        today = timezone.localdate()
        return max(self.mission_start, today) if self.mission_start else today

    @property
    def contact_name(self) -> str:
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def current_job_posting(self):
        """The structure's current job posting (the latest published), or None."""
        return JobPosting.objects.current_for(self)


class PostStatus(models.TextChoices):
    FREE = "free", "Libre"
    HIRE_REQUESTED = "hire_requested", "Recrutement demandé"
    OCCUPIED = "occupied", "Pourvu"
    RETIRED = "retired", "Retiré"


class PostQuerySet(models.QuerySet):
    def granted(self):
        """The one definition of "posts granted": every post a decision created and no return retired."""
        return self.exclude(status=PostStatus.RETIRED)

    def free(self):
        return self.filter(status=PostStatus.FREE)

    def open_for_hire(self, day=None):
        """Free posts whose recruitment deadline has not passed (the deadline day itself still counts)."""
        return self.free().filter(deadline__gte=day or timezone.localdate())

    def granted_per(self, field: str, keys) -> dict:
        """{key: posts granted} for the given values of `field` (e.g. "granted_by__application_id"): one query,
        whatever the number of keys — for the visible rows of a page."""
        rows = self.granted().filter(**{f"{field}__in": list(keys)}).values(field).annotate(n=Count("pk"))
        return {row[field]: row["n"] for row in rows.order_by()}


class Post(models.Model):
    """A funded position ("poste") at a structure: created by a positive committee decision (one row per post),
    held by "Valider cette candidature", occupied by the hire, retired by a return decision."""

    structure = models.ForeignKey(
        Structure, on_delete=models.PROTECT, related_name="posts", verbose_name="structure"
    )
    granted_by = models.ForeignKey(
        "concertation.CommitteeDecision",
        on_delete=models.PROTECT,
        related_name="granted_posts",
        verbose_name="décision d'attribution",
    )
    committee_date = models.DateField("date du comité")
    deadline = models.DateField("date limite de recrutement")
    status = models.CharField(
        "statut", max_length=20, choices=PostStatus.choices, default=PostStatus.FREE, db_index=True
    )
    retired_by = models.ForeignKey(
        "concertation.CommitteeDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retired_posts",
        verbose_name="décision de retrait",
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Any change (status, deadline): what the public API's "updated_since" filter reads.
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = "poste"
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=PostStatus.RETIRED) | models.Q(retired_by__isnull=False),
                name="post_retired_has_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("committee_date")),
                name="post_deadline_after_committee",
            ),
        ]
        indexes = [models.Index(fields=["structure", "status"], name="post_structure_status")]

    def __str__(self):
        return f"Poste n° {self.pk} — {self.structure}"

    @property
    def days_left(self) -> int:
        return (self.deadline - timezone.localdate()).days

    @property
    def expired(self) -> bool:
        return self.deadline < timezone.localdate()


class PostTransition(TransitionLog):
    """One row per status change of a post, its creation included: granted, held by a hire request, occupied by the
    hire, freed, retired — the post's occupancy history (which match is in `reason`)."""

    subject_field = "post"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=PostStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PostStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'un poste"


class PostDeadlineExtension(models.Model):
    """ANCT extends one post's recruitment deadline, with a reason."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="extensions")
    previous_deadline = models.DateField("date limite précédente")
    deadline = models.DateField("nouvelle date limite")
    reason = models.TextField("motif", max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "prolongation du délai de recrutement"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gt=models.F("previous_deadline")), name="extension_moves_forward"
            ),
        ]

    def __str__(self):
        return f"Poste n° {self.post_id} : {self.previous_deadline} → {self.deadline}"


EMPLOI_TERRITORIAL_DOMAIN = "emploi-territorial.fr"


class JobPostingQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-published_on", "-id")

    def current_for(self, structure):
        """The structure's current posting: the latest published (then the latest recorded)."""
        return self.filter(structure=structure).latest_first().first()


class JobPosting(models.Model):
    """A job offer published on emploi-territorial.fr (§4): a contract is signable 30 days after publication. A
    structure publishes one per recruitment (a post freed by a termination is recruited with a new posting); its
    current posting is the latest published."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="job_postings", verbose_name="structure"
    )
    url = models.URLField("adresse de l'offre", max_length=500, validators=[URLValidator(schemes=["https"])])
    published_on = models.DateField("date de publication")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = "offre d'emploi"
        ordering = ["-published_on", "-id"]
        verbose_name_plural = "offres d'emploi"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(url__startswith="https://www.emploi-territorial.fr/")
                | models.Q(url__startswith="https://emploi-territorial.fr/"),
                name="job_posting_on_emploi_territorial",
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def contract_signable_from(self):
        from datetime import timedelta

        return self.published_on + timedelta(days=getattr(settings, "CNFS_JOB_POSTING_MIN_DAYS", 30))
