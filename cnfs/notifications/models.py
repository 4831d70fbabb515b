import re
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.html import escape

from . import sealing


class EmailStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


# What a secret link becomes in a stored body: the link is put back only when the email is sent (see sealing).
PLACEHOLDER = "__cnfs_link_{}__"
# What the development outbox shows once the link has been wiped.
LINK_REMOVED = "[lien retiré après l'envoi]"
PLACEHOLDER_PATTERN = re.compile(PLACEHOLDER.format(r"([a-z0-9_]+?)"))


class OutgoingEmailQuerySet(models.QuerySet):
    def to_address(self, address: str):
        return self.filter(to__iexact=(address or "").strip())

    def needing_attention(self):
        """What ANCT follows: emails that failed for good, wait for a retry after an error, or are late (never tried,
        or claimed, longer ago than CNFS_EMAIL_SENDING_TIMEOUT: a worker or the sweep is not running)."""
        late = timezone.now() - getattr(settings, "CNFS_EMAIL_SENDING_TIMEOUT", timedelta(minutes=15))
        return self.filter(
            models.Q(status=EmailStatus.FAILED)
            | models.Q(status=EmailStatus.PENDING, attempts__gt=0)
            | models.Q(status=EmailStatus.PENDING, created_at__lt=late)
            | models.Q(status=EmailStatus.SENDING, claimed_at__lt=late)
        )


class OutgoingEmail(models.Model):
    """One email for one event. The unique event key makes sending idempotent: an event never mails twice.

    The row is the email's source of truth until it is sent: the delivery task, its retries and the periodic sweep
    (tasks.sweep_emails) all send from it, claiming it first (status PENDING → SENDING in one conditional UPDATE)
    so that it goes out at most once."""

    event_key = models.CharField("clé d'événement", max_length=200, unique=True)
    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML")
    # Secret links ({name: url}), sealed (encrypted with a key derived from SECRET_KEY); wiped once sent.
    sealed_links = models.TextField("liens scellés", blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField("prochain essai", default=timezone.now)
    claimed_at = models.DateTimeField("envoi commencé le", null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    last_error = models.TextField("dernière erreur", blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "courriel"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="email_status_next_attempt")]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    def links(self) -> dict[str, str]:
        return sealing.unseal(self.sealed_links) if self.sealed_links else {}

    def rendered(self) -> tuple[str, str]:
        """The text and HTML bodies with their links put back (or marked removed, once wiped)."""
        text, html = self.body_text, self.body_html
        links = self.links()
        for name in sorted(set(PLACEHOLDER_PATTERN.findall(text + html))):
            value = links.get(name, LINK_REMOVED)
            text = text.replace(PLACEHOLDER.format(name), value)
            html = html.replace(PLACEHOLDER.format(name), escape(value))
        return text, html

    def rendered_text(self) -> str:
        return self.rendered()[0]
