from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from cnfs.territories.models import Zone

METRO = "metro"
MOTIVATION_MAX_LENGTH = 2500


class Distance(models.IntegerChoices):
    """How far from home the candidate accepts to work; 0 means the whole of France (their own territory overseas)."""

    KM_5 = 5, "5 km"
    KM_10 = 10, "10 km"
    KM_15 = 15, "15 km"
    KM_20 = 20, "20 km"
    KM_40 = 40, "40 km"
    KM_100 = 100, "100 km"
    FRANCE = 0, "Toute la France"


DISTANCE_CLASSES = tuple(d.value for d in Distance if d != Distance.FRANCE)


class UnavailableReason(models.TextChoices):
    FOUND_JOB = "found_job", "J'ai trouvé un emploi"
    HIRED_ADVISOR = "hired_advisor", "J'ai été recruté(e) comme conseiller numérique"
    OTHER = "other", "Autre raison"


SITUATIONS = {
    "is_job_seeker": "Demandeur d'emploi",
    "is_employed": "En emploi",
    "is_in_training": "En formation",
    "has_diploma": "Diplômé(e) dans le domaine de la médiation numérique",
    "has_experience": "Expérience professionnelle dans la médiation numérique",
}


def territory_of(departement) -> str:
    """Matching stays inside one territory: metropolitan France, or one overseas département / collectivité."""
    return METRO if departement.zone == Zone.METRO else departement.code


# The one definition of a candidate structures may see: confirmed email, available, not erased (used by the queryset,
# the matching query and the partial index that serves it).
VISIBLE = Q(erased_at__isnull=True, is_available=True, email_confirmed=True)


class CandidateQuerySet(models.QuerySet):
    def visible(self):
        """Candidates structures may see: confirmed email, available, not erased."""
        return self.filter(VISIBLE)


class Candidate(models.Model):
    """A person who wants to become a conseiller numérique. Names and email live on the user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidate",
        verbose_name="compte",
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="+", verbose_name="commune de résidence"
    )
    # The home position (the commune's centre) and territory, copied on the row so that matching is one indexed query;
    # database triggers keep them equal to the commune's (candidates migration 0004).
    latitude = models.FloatField()
    longitude = models.FloatField()
    territory = models.CharField(max_length=5, default=METRO)
    is_job_seeker = models.BooleanField(SITUATIONS["is_job_seeker"], default=False)
    is_employed = models.BooleanField(SITUATIONS["is_employed"], default=False)
    is_in_training = models.BooleanField(SITUATIONS["is_in_training"], default=False)
    has_diploma = models.BooleanField(SITUATIONS["has_diploma"], default=False)
    diploma_name = models.CharField("nom du diplôme", max_length=200, blank=True)
    has_experience = models.BooleanField(SITUATIONS["has_experience"], default=False)
    was_advisor = models.BooleanField("a déjà été conseiller numérique", default=False)
    available_from = models.DateField("disponible à partir du")
    max_distance = models.PositiveSmallIntegerField(
        "distance maximale depuis le domicile", choices=Distance.choices
    )
    motivation = models.TextField("motivation", max_length=MOTIVATION_MAX_LENGTH, blank=True)
    cv_name = models.CharField("CV (nom du fichier stocké)", max_length=100, blank=True, editable=False)
    cv_uploaded_at = models.DateTimeField("CV déposé le", null=True, blank=True)
    pix_shared = models.BooleanField("résultats Pix partagés avec les structures", default=False)
    # Copy of user.email_confirmed_at, so that matching needs no join; kept right by database triggers whatever path
    # changes the account (candidates migration 0004), checked by `manage.py check_consistency`.
    email_confirmed = models.BooleanField("adresse confirmée", default=False, editable=False)
    is_available = models.BooleanField("disponible", default=True)
    unavailable_reason = models.CharField(
        "motif d'indisponibilité", max_length=20, choices=UnavailableReason.choices, blank=True
    )
    unavailable_comment = models.CharField("précision", max_length=500, blank=True)
    unavailable_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("inscrit le", default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField("données effacées le", null=True, blank=True)
    # Warned by email that the data will be erased for inactivity (cnfs/candidates/retention.py); cleared when the
    # person comes back.
    retention_warned_at = models.DateTimeField("averti de l'effacement le", null=True, blank=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "candidat"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_distance__in=[d.value for d in Distance]), name="candidate_distance_in_list"
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("motivation"), MOTIVATION_MAX_LENGTH)),
                name="candidate_motivation_max_2500",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=False)
                | Q(is_job_seeker=True)
                | Q(is_employed=True)
                | Q(is_in_training=True)
                | Q(has_diploma=True)
                | Q(has_experience=True),
                name="candidate_has_a_situation",
            ),
            models.CheckConstraint(
                condition=Q(is_available=True, unavailable_reason="")
                | Q(is_available=False) & ~Q(unavailable_reason=""),
                name="candidate_unavailable_has_reason",
            ),
        ]
        indexes = [
            # One range scan per distance class: (class, territory, latitude) then longitude.
            models.Index(
                fields=["max_distance", "territory", "latitude", "longitude"], name="candidate_matching"
            ),
            # The same for the visible candidates only, with every column the matching query reads: SQLite answers
            # it from this index alone (covering; the partial-index condition columns must be in it for that), and
            # PostgreSQL scans only visible candidates.
            models.Index(
                fields=[
                    "max_distance",
                    "territory",
                    "latitude",
                    "longitude",
                    "available_from",
                    "is_available",
                    "email_confirmed",
                    "erased_at",
                ],
                name="candidate_matching_visible",
                condition=VISIBLE,
            ),
        ]

    def __str__(self):
        return self.full_name or f"Candidat n° {self.pk}"

    def save(self, *args, **kwargs):
        if self.commune_id and (self.latitude is None or self.longitude is None):
            self.locate()
        if self._state.adding and self.user_id:
            self.email_confirmed = self.user.email_confirmed_at is not None
        super().save(*args, **kwargs)

    def locate(self):
        """Home position and territory from the commune."""
        commune = self.commune
        self.latitude, self.longitude = commune.latitude, commune.longitude
        self.territory = territory_of(commune.departement)

    @property
    def full_name(self) -> str:
        return self.user.full_name if self.user_id else ""

    @property
    def email(self) -> str:
        return self.user.email if self.user_id else ""

    @property
    def situation_labels(self) -> list[str]:
        return [label for field, label in SITUATIONS.items() if getattr(self, field)]

    @property
    def has_cv(self) -> bool:
        return bool(self.cv_name)

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed

    def shared_pix(self):
        """The Pix result structures may see, or None."""
        if not self.pix_shared:
            return None
        return getattr(self, "pix", None)


class PixResult(models.Model):
    """The candidate's Pix test (imported by ANCT from Pix's export): palier 1–3 and three competence scores."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="pix")
    level = models.PositiveSmallIntegerField(
        "palier", choices=[(1, "Palier 1"), (2, "Palier 2"), (3, "Palier 3")]
    )
    professional_use = models.DecimalField(
        "usage du numérique dans la vie professionnelle", max_digits=5, decimal_places=2
    )
    producing_resources = models.DecimalField("production de ressources", max_digits=5, decimal_places=2)
    e_citizenship = models.DecimalField("citoyenneté numérique", max_digits=5, decimal_places=2)
    tested_on = models.DateField("date du test")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "résultat Pix"
        verbose_name_plural = "résultats Pix"
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="pix_level_1_3"),
            models.CheckConstraint(
                condition=Q(professional_use__gte=0, professional_use__lte=100)
                & Q(producing_resources__gte=0, producing_resources__lte=100)
                & Q(e_citizenship__gte=0, e_citizenship__lte=100),
                name="pix_scores_0_100",
            ),
        ]

    def __str__(self):
        return f"Pix palier {self.level}"
