from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cnfs.core.models import TransitionLog


class MatchStatus(models.TextChoices):
    NEW = "new", "Nouvelle"
    SHORTLISTED = "shortlisted", "Présélectionnée"
    NOT_RETAINED = "not_retained", "Non retenue"
    HIRE_REQUESTED = "hire_requested", "Recrutement demandé"
    HIRED = "hired", "Recrutement validé"
    TERMINATION_REQUESTED = "termination_requested", "Rupture demandée"
    TERMINATED = "terminated", "Contrat rompu"
    CLOSED = "closed", "Close (candidat plus disponible)"


# A candidate is "held" by at most one structure at a time: from "Valider cette candidature" to the end of the contract.
HOLDING_STATUSES = (MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED, MatchStatus.TERMINATION_REQUESTED)
# Statuses that take one of the structure's posts.
POST_TAKING_STATUSES = HOLDING_STATUSES
OPEN_STATUSES = (MatchStatus.NEW, MatchStatus.SHORTLISTED, MatchStatus.NOT_RETAINED)
# A match that has ended: the same structure and candidate may have a new one (re-engagement, re-hire).
ENDED_STATUSES = (MatchStatus.CLOSED, MatchStatus.TERMINATED)


class MatchQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING_STATUSES)

    def live(self):
        return self.exclude(status__in=ENDED_STATUSES)


class Match(models.Model):
    """A "mise en relation": the link between one structure and one candidate, and its status.

    The list of a structure is computed live (see matching.py); a row exists once the structure acts on a candidate
    (or invited them), so "new" is also the status of a matching candidate without a row."""

    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="matches", verbose_name="structure"
    )
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="matches", verbose_name="candidat"
    )
    status = models.CharField(
        "statut", max_length=24, choices=MatchStatus.choices, default=MatchStatus.NEW, db_index=True
    )
    invited = models.BooleanField("candidat invité par la structure", default=False)
    post = models.ForeignKey(
        "structures.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name="poste",
        help_text="Le poste tenu depuis « Valider cette candidature ».",
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = "mise en relation"
        verbose_name_plural = "mises en relation"
        ordering = ["-status_changed_at", "-id"]
        constraints = [
            # One open match per structure and candidate: a closed match may be followed by a new one.
            models.UniqueConstraint(
                fields=["structure", "candidate"],
                condition=~Q(status__in=ENDED_STATUSES),
                name="match_one_open_per_structure_candidate",
            ),
            # "Taken ≤ granted": a post is held by one match at most, and every holding match holds a post.
            models.UniqueConstraint(
                fields=["post"], condition=Q(status__in=HOLDING_STATUSES), name="match_one_holding_per_post"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=HOLDING_STATUSES) | Q(post__isnull=False),
                name="match_holding_has_post",
            ),
            # Two structures validating the same candidate at the same moment: the second insert/update fails.
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="match_one_holding_per_candidate",
            ),
        ]

    def __str__(self):
        return f"{self.structure} ↔ {self.candidate} ({self.get_status_display()})"


class AdvisorStatus(models.TextChoices):
    ACTIVE = "active", "En poste"
    TERMINATED = "terminated", "Contrat rompu"


class Advisor(models.Model):
    """A conseiller numérique: one per person, created when their hire completes, linked to the post they hold.
    Training, activity, terminations and re-hires hang on it; a re-hire moves it to the new post."""

    candidate = models.OneToOneField(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="advisor", verbose_name="personne"
    )
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="advisors", verbose_name="structure"
    )
    post = models.ForeignKey(
        "structures.Post",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advisors",
        verbose_name="poste",
        help_text="Le poste occupé ; vide après une rupture dont le poste n'est pas connu.",
    )
    match = models.ForeignKey(
        Match, on_delete=models.PROTECT, related_name="+", verbose_name="mise en relation"
    )
    status = models.CharField(
        "statut", max_length=20, choices=AdvisorStatus.choices, default=AdvisorStatus.ACTIVE, db_index=True
    )
    hired_at = models.DateTimeField("recruté le", default=timezone.now)
    terminated_at = models.DateTimeField("contrat rompu le", null=True, blank=True)

    class Meta:
        verbose_name = "conseiller numérique"
        verbose_name_plural = "conseillers numériques"
        ordering = ["-hired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(status=AdvisorStatus.ACTIVE), name="advisor_one_active_per_post"
            ),
            models.CheckConstraint(
                condition=~Q(status=AdvisorStatus.ACTIVE) | Q(post__isnull=False),
                name="advisor_active_has_post",
            ),
        ]

    def __str__(self):
        return f"Conseiller n° {self.pk} — {self.structure}"


class MatchTransition(TransitionLog):
    """One row per status change of a match: who, when, from, to, why."""

    subject_field = "match"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=MatchStatus.choices)
    to_status = models.CharField(max_length=24, choices=MatchStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'une mise en relation"


class MatchInvitation(models.Model):
    """A structure invites a person it has identified to register; the match appears when they do."""

    structure = models.ForeignKey("structures.Structure", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField("adresse électronique")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "invitation d'un candidat"
        constraints = [models.UniqueConstraint(fields=["structure", "email"], name="match_invitation_unique")]

    def __str__(self):
        return f"Invitation de {self.email} par {self.structure}"


class Criterion(models.TextChoices):
    MOTIVATION = "motivation", "Motivation"
    RELATIONAL = "relational", "Qualités relationnelles"
    PEDAGOGY = "pedagogy", "Pédagogie"
    DIGITAL = "digital", "Compétences numériques"
    TERRITORY = "territory", "Connaissance du territoire"
    AVAILABILITY = "availability", "Disponibilité"


SCORE_CHOICES = [
    (1, "1 — insuffisant"),
    (2, "2 — à développer"),
    (3, "3 — satisfaisant"),
    (4, "4 — très satisfaisant"),
]


class InterviewEvaluation(models.Model):
    """The structure's evaluation grid for one candidate: each criterion scored 1–4 with a comment. Private to the
    structure (reached only through its own match)."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="evaluation")
    interview_date = models.DateField("date de l'entretien", null=True, blank=True)
    interviewers = models.CharField("personnes présentes à l'entretien", max_length=300, blank=True)
    scores = models.JSONField("notes", default=dict)
    comments = models.JSONField("commentaires", default=dict)
    conclusion = models.TextField("appréciation générale", max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "grille d'entretien"

    def __str__(self):
        return f"Grille d'entretien — {self.match}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in self.scores.values() if v)

    @property
    def max_total(self) -> int:
        return 4 * len(Criterion)

    def rows(self):
        return [
            (criterion, self.scores.get(criterion.value), self.comments.get(criterion.value, ""))
            for criterion in Criterion
        ]
