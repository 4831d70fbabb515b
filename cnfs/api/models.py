"""Tokens that ANCT issues to partners for the API's restricted data (recruitment funnel, anonymised activity)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiScope(models.TextChoices):
    FUNNEL = "funnel", "Entonnoir de recrutement par territoire"
    ACTIVITY = "activity", "Comptes rendus d'activité anonymisés"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A partner's key: shown once when issued, stored as its SHA-256 (a key is 40 random bytes, so a plain hash is
    enough: nothing to guess). `prefix` (the first characters) tells tokens apart in lists and in the journal.
    Scoped to some of ApiScope and, when `departements` is not empty, to those départements."""

    partner = models.CharField("partenaire", max_length=200)
    prefix = models.CharField("début de la clé", max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField("données ouvertes à ce jeton", default=list)
    departements = models.ManyToManyField(
        "territories.Departement", blank=True, related_name="+", verbose_name="départements"
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("émis le", default=timezone.now)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_used_at = models.DateTimeField("dernier usage", null=True, blank=True)
    submission_key = models.UUIDField(
        "clé de saisie",
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Donnée par le formulaire d'émission : un même formulaire envoyé deux fois n'émet qu'un jeton.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="api_token_revoked_by",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("issued_at")),
                name="api_token_expires_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.partner} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    @property
    def scope_labels(self) -> list[str]:
        return [ApiScope(scope).label for scope in self.scopes if scope in ApiScope.values]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
