"""Training and taking up the post (SPEC §9, §10).

- `TrainingProvider`: an organisme de formation, the départements it covers, its agents (role `training_provider`).
- `Training`: one advisor's training (one live per hire, on the match): the provider assigned (proposed from the
  structure's département when the grant file is transmitted, changed by ANCT), the path (`TrainingPath`: 105 h
  work-study or 280/350/420 h full time) with its rhythm, start date and expected end date written once, the hours
  done, the dropout or the completion (CCP1 and Pix certification).
- `PositioningTest`: the test the provider books then records (date, result).
- `TrainingSession`: a start date at a training centre for one path; face-to-face only with at least 8 registrants
  (the count is a column kept under the session's row lock, the confirmation a database rule).
- `SessionRegistration`, `WeeklyAttendance`: who is registered (withdrawals kept), hours done each week.
- `OnboardingChecklist`: the structure's checklist for taking up the post.

Every rule a race or a view could break is a database constraint."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cnfs.core.models import TransitionLog

FACE_TO_FACE_MINIMUM = 8


class TrainingProvider(models.Model):
    """Organisme de formation: trains the advisors assigned to it, in the départements it covers."""

    name = models.CharField("nom", max_length=200, unique=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    contact_email = models.EmailField("adresse électronique de contact", blank=True)
    contact_phone = models.CharField("téléphone de contact", max_length=20, blank=True)
    departements = models.ManyToManyField(
        "territories.Departement",
        blank=True,
        related_name="training_providers",
        verbose_name="départements couverts",
    )

    class Meta:
        verbose_name = "organisme de formation"
        verbose_name_plural = "organismes de formation"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TrainingPath(models.IntegerChoices):
    """The four paths: hours of training (the glossary's `TrainingPath`)."""

    WORK_STUDY_105 = 105, "105 h en alternance (une journée par semaine)"
    FULL_TIME_280 = 280, "280 h à temps plein"
    FULL_TIME_350 = 350, "350 h à temps plein"
    FULL_TIME_420 = 420, "420 h à temps plein"


class Rhythm(models.TextChoices):
    WORK_STUDY = "work_study", "Alternance (une journée par semaine)"
    FULL_TIME = "full_time", "Temps plein (35 h par semaine)"


class TrainingStatus(models.TextChoices):
    TO_POSITION = "to_position", "À positionner"
    POSITIONED = "positioned", "Positionné"
    IN_TRAINING = "in_training", "En formation"
    COMPLETED = "completed", "Formation terminée"
    DROPPED = "dropped", "Abandon"
    CANCELLED = "cancelled", "Annulée (recrutement arrêté)"


LIVE_TRAINING_STATUSES = (
    TrainingStatus.TO_POSITION,
    TrainingStatus.POSITIONED,
    TrainingStatus.IN_TRAINING,
    TrainingStatus.COMPLETED,
    TrainingStatus.DROPPED,
)
PROVIDER_STATES = LIVE_TRAINING_STATUSES  # the provider's tabs


class DropoutReason(models.TextChoices):
    CONTRACT_ENDED = "contract_ended", "Fin du contrat"
    HEALTH = "health", "Raisons de santé"
    PERSONAL = "personal", "Raisons personnelles"
    OTHER = "other", "Autre motif"


class TrainingQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(status=TrainingStatus.CANCELLED)

    def visible_to(self, role_context):
        """ANCT all; a provider its own advisors; a structure its own; an advisor their own; nobody else any."""
        from cnfs.accounts.roles import Role

        role, current = role_context.role, role_context.current
        if role == Role.ANCT:
            return self
        if role == Role.TRAINING_PROVIDER:
            return self.filter(provider_id=current.training_provider_id)
        if role == Role.STRUCTURE:
            return self.filter(structure_id=current.structure_id)
        if role == Role.ADVISOR:
            return self.filter(match__candidate__user=role_context.user)
        return self.none()


class Training(models.Model):
    """One advisor's training, from the provider's assignment to completion or dropout."""

    match = models.ForeignKey(
        "recruitment.Match", on_delete=models.PROTECT, related_name="trainings", verbose_name="recrutement"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="trainings", verbose_name="structure"
    )
    provider = models.ForeignKey(
        TrainingProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name="organisme de formation",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=TrainingStatus.choices,
        default=TrainingStatus.TO_POSITION,
        db_index=True,
    )
    assigned_at = models.DateTimeField("organisme désigné le", null=True, blank=True)
    # The path: hours, rhythm (from the hours), start and expected end (from hours and rhythm), written once.
    path = models.PositiveSmallIntegerField("parcours", choices=TrainingPath.choices, null=True, blank=True)
    rhythm = models.CharField("rythme", max_length=12, choices=Rhythm.choices, blank=True)
    path_assigned_at = models.DateTimeField("parcours attribué le", null=True, blank=True)
    start_date = models.DateField("début de la formation", null=True, blank=True)
    expected_end_date = models.DateField("fin prévue", null=True, blank=True)
    # Training start more than CNFS_TRAINING_LATE_START_DAYS after the contract start (written at registration).
    late_start = models.BooleanField("démarrage tardif", default=False, db_index=True)
    hours_done = models.DecimalField("heures effectuées", max_digits=5, decimal_places=1, default=0)
    dropped_on = models.DateField("abandon le", null=True, blank=True)
    dropout_reason = models.CharField(
        "motif de l'abandon", max_length=20, choices=DropoutReason.choices, blank=True
    )
    ccp1_on = models.DateField("CCP1 obtenu le", null=True, blank=True)
    pix_on = models.DateField("certification Pix le", null=True, blank=True)
    pix_score = models.PositiveSmallIntegerField("score Pix", null=True, blank=True)
    completed_at = models.DateTimeField("formation terminée le", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "formation d'un conseiller"
        verbose_name_plural = "formations des conseillers"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["match"],
                condition=~Q(status=TrainingStatus.CANCELLED),
                name="training_one_live_per_match",
            ),
            models.CheckConstraint(
                condition=Q(path__isnull=True) | Q(path__in=TrainingPath.values),
                name="training_path_one_of_four",
            ),
            models.CheckConstraint(
                condition=Q(path__isnull=True, rhythm="")
                | Q(path=TrainingPath.WORK_STUDY_105, rhythm=Rhythm.WORK_STUDY)
                | (Q(path__in=[280, 350, 420]) & Q(rhythm=Rhythm.FULL_TIME)),
                name="training_rhythm_follows_path",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(expected_end_date__gte=F("start_date")),
                name="training_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        TrainingStatus.POSITIONED,
                        TrainingStatus.IN_TRAINING,
                        TrainingStatus.COMPLETED,
                    ]
                )
                | Q(provider__isnull=False),
                name="training_positioned_has_provider",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[TrainingStatus.IN_TRAINING, TrainingStatus.COMPLETED])
                | Q(path__isnull=False, start_date__isnull=False),
                name="training_started_has_path_and_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_done__gte=0)
                & (Q(path__isnull=True, hours_done=0) | Q(hours_done__lte=F("path"))),
                name="training_hours_within_path",
            ),
            models.CheckConstraint(
                condition=~Q(status=TrainingStatus.COMPLETED)
                | Q(
                    ccp1_on__isnull=False,
                    pix_on__isnull=False,
                    pix_score__isnull=False,
                    completed_at__isnull=False,
                    ccp1_on__gte=F("start_date"),
                    pix_on__gte=F("start_date"),
                ),
                name="training_completed_has_certifications",
            ),
            models.CheckConstraint(
                condition=Q(pix_score__isnull=True) | Q(pix_score__lte=1024), name="training_pix_score_range"
            ),
            models.CheckConstraint(
                condition=~Q(status=TrainingStatus.DROPPED)
                | Q(dropped_on__isnull=False) & ~Q(dropout_reason=""),
                name="training_dropped_has_date_and_reason",
            ),
        ]
        indexes = [models.Index(fields=["provider", "status"], name="training_provider_status")]

    def __str__(self):
        return f"Formation n° {self.pk} — {self.structure}"

    @property
    def progress(self) -> int | None:
        """Hours done out of the path's, in percent."""
        if not self.path:
            return None
        return int(self.hours_done * 100 / self.path)


class TrainingTransition(TransitionLog):
    subject_field = "training"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=TrainingStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=TrainingStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'une formation"


class PositioningResult(models.TextChoices):
    EXPERIENCED = "experienced", "Profil expérimenté : parcours de 105 h en alternance conseillé"
    INTERMEDIATE = "intermediate", "Profil intermédiaire : parcours de 280 h ou 350 h conseillé"
    BEGINNER = "beginner", "Profil débutant : parcours de 420 h conseillé"


class PositioningTest(models.Model):
    """The positioning test: booked (date), then its result recorded. One per training."""

    training = models.OneToOneField(Training, on_delete=models.CASCADE, related_name="positioning")
    scheduled_on = models.DateField("date du test")
    result = models.CharField("résultat", max_length=20, choices=PositioningResult.choices, blank=True)
    score = models.PositiveSmallIntegerField("score (sur 100)", null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "test de positionnement"
        verbose_name_plural = "tests de positionnement"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="positioning_score_range"
            ),
            models.CheckConstraint(
                condition=Q(result="", recorded_at__isnull=True)
                | (~Q(result="") & Q(recorded_at__isnull=False)),
                name="positioning_result_has_date",
            ),
        ]

    def __str__(self):
        return f"Test de positionnement — formation n° {self.training_id}"


class SessionMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "En présentiel"
    REMOTE = "remote", "À distance"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    CONFIRMED = "confirmed", "Confirmée"
    CANCELLED = "cancelled", "Annulée"


class TrainingSessionQuerySet(models.QuerySet):
    def visible_to(self, role_context):
        from cnfs.accounts.roles import Role

        if role_context.role == Role.ANCT:
            return self
        if role_context.role == Role.TRAINING_PROVIDER:
            return self.filter(provider_id=role_context.current.training_provider_id)
        return self.none()


class TrainingSession(models.Model):
    """A start date at a training centre for one path. Planned face-to-face or remote; confirmed at the cut-off
    date: face-to-face only with at least 8 registrants (else remote, and everyone is told why)."""

    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="sessions")
    centre_name = models.CharField("centre de formation", max_length=200)
    address = models.CharField("adresse du centre", max_length=250)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("date de début")
    path = models.PositiveSmallIntegerField("parcours", choices=TrainingPath.choices)
    mode = models.CharField(
        "modalité", max_length=20, choices=SessionMode.choices, default=SessionMode.FACE_TO_FACE
    )
    # start_date − CNFS_TRAINING_CUTOFF_DAYS, written at creation.
    cutoff_date = models.DateField("date de confirmation")
    status = models.CharField(
        "statut", max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED, db_index=True
    )
    # Active registrations, kept under the session's row lock (register, withdraw, confirm lock it first).
    registered_count = models.PositiveSmallIntegerField("inscrits", default=0)
    confirmed_count = models.PositiveSmallIntegerField("inscrits à la confirmation", null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(path__in=TrainingPath.values), name="session_path_one_of_four"
            ),
            models.CheckConstraint(
                condition=Q(cutoff_date__lte=F("start_date")), name="session_cutoff_before_start"
            ),
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.CONFIRMED)
                | Q(confirmed_at__isnull=False, confirmed_count__isnull=False),
                name="session_confirmed_has_date",
            ),
            # The rule of 8: a face-to-face session is confirmed only with at least 8 registrants.
            models.CheckConstraint(
                condition=~Q(status=SessionStatus.CONFIRMED, mode=SessionMode.FACE_TO_FACE)
                | Q(confirmed_count__gte=FACE_TO_FACE_MINIMUM),
                name="session_face_to_face_needs_8",
            ),
            models.UniqueConstraint(
                fields=["provider", "commune", "address", "start_date", "path"],
                condition=~Q(status=SessionStatus.CANCELLED),
                name="session_one_per_centre_date_path",
            ),
        ]

    def __str__(self):
        return f"Session du {self.start_date:%d/%m/%Y} — {self.centre_name} ({self.commune})"

    @property
    def below_minimum(self) -> bool:
        return self.registered_count < FACE_TO_FACE_MINIMUM

    @property
    def missing(self) -> int:
        return max(FACE_TO_FACE_MINIMUM - self.registered_count, 0)


class SessionRegistration(models.Model):
    """One advisor registered in one session; a withdrawal keeps the row (withdrawn_at)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.PROTECT, related_name="registrations")
    training = models.ForeignKey(Training, on_delete=models.PROTECT, related_name="registrations")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField("désinscrit le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "inscription à une session"
        verbose_name_plural = "inscriptions aux sessions"
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training"],
                condition=Q(withdrawn_at__isnull=True),
                name="registration_one_active_per_training",
            ),
        ]

    def __str__(self):
        return f"Formation n° {self.training_id} — session n° {self.session_id}"


class WeeklyAttendance(models.Model):
    """Hours done in one week (Monday), recorded by the provider; the training's `hours_done` is their sum."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    week = models.DateField("semaine du")
    hours = models.DecimalField("heures effectuées", max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "assiduité hebdomadaire"
        verbose_name_plural = "assiduité hebdomadaire"
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["training", "week"], name="attendance_one_per_week"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=35), name="attendance_hours_in_week"),
        ]

    def __str__(self):
        return f"Formation n° {self.training_id}, semaine du {self.week:%d/%m/%Y} : {self.hours} h"


class OnboardingItem(models.TextChoices):
    OUTFIT_ORDERED = "outfit_ordered", "Tenue commandée"
    OUTFIT_HANDED_OVER = "outfit_handed_over", "Tenue remise"
    COMPUTER = "computer", "Ordinateur fourni"
    PHONE = "phone", "Téléphone fourni"
    ROOMS = "rooms", "Locaux et salles d'accueil prêts"
    VEHICLE = "vehicle", "Véhicule (poste itinérant)"
    BOOKLET = "booklet", "Livret de prise de poste remis"
    COMMUNITY = "community", "Accès à la communauté des conseillers ouvert"


class OnboardingChecklist(models.Model):
    """The structure's checklist for one hire taking up the post (SPEC §10): each item is the date it was done.
    `vehicle_needed` is the structure's application's "itinerant" answer, read once at creation; `completed_on` is
    written when the last item needed is done (the completion rates read it)."""

    match = models.OneToOneField("recruitment.Match", on_delete=models.PROTECT, related_name="onboarding")
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="onboardings"
    )
    vehicle_needed = models.BooleanField("véhicule nécessaire (poste itinérant)", default=False)
    outfit_ordered_on = models.DateField("tenue commandée le", null=True, blank=True)
    outfit_handed_over_on = models.DateField("tenue remise le", null=True, blank=True)
    computer_on = models.DateField("ordinateur fourni le", null=True, blank=True)
    phone_on = models.DateField("téléphone fourni le", null=True, blank=True)
    rooms_on = models.DateField("locaux prêts le", null=True, blank=True)
    vehicle_on = models.DateField("véhicule mis à disposition le", null=True, blank=True)
    booklet_on = models.DateField("livret remis le", null=True, blank=True)
    community_on = models.DateField("accès à la communauté ouvert le", null=True, blank=True)
    completed_on = models.DateField("liste terminée le", null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "prise de poste"
        verbose_name_plural = "prises de poste"
        constraints = [
            models.CheckConstraint(
                condition=Q(outfit_handed_over_on__isnull=True) | Q(outfit_ordered_on__isnull=False),
                name="onboarding_outfit_ordered_before_handed",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(
                    outfit_ordered_on__isnull=False,
                    outfit_handed_over_on__isnull=False,
                    computer_on__isnull=False,
                    phone_on__isnull=False,
                    rooms_on__isnull=False,
                    booklet_on__isnull=False,
                    community_on__isnull=False,
                )
                & (Q(vehicle_needed=False) | Q(vehicle_on__isnull=False)),
                name="onboarding_completed_has_every_item",
            ),
        ]

    def __str__(self):
        return f"Prise de poste — recrutement n° {self.match_id}"

    ITEM_FIELDS = {
        OnboardingItem.OUTFIT_ORDERED: "outfit_ordered_on",
        OnboardingItem.OUTFIT_HANDED_OVER: "outfit_handed_over_on",
        OnboardingItem.COMPUTER: "computer_on",
        OnboardingItem.PHONE: "phone_on",
        OnboardingItem.ROOMS: "rooms_on",
        OnboardingItem.VEHICLE: "vehicle_on",
        OnboardingItem.BOOKLET: "booklet_on",
        OnboardingItem.COMMUNITY: "community_on",
    }

    def needed_items(self) -> list[str]:
        return [item for item in OnboardingItem if item != OnboardingItem.VEHICLE or self.vehicle_needed]

    def items(self) -> list[tuple[str, str, object]]:
        """(item, label, date done or None) for every item needed."""
        return [
            (item, OnboardingItem(item).label, getattr(self, self.ITEM_FIELDS[item]))
            for item in self.needed_items()
        ]

    @property
    def done_count(self) -> int:
        return sum(1 for _, _, day in self.items() if day)
