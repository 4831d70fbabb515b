import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device

from .roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def normalize_email(self, email):
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one account: the email is the login and is unique whatever its case."""

    email = models.EmailField("adresse électronique", max_length=254, unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    email_confirmed_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


SCOPE_FIELDS = (
    "structure",
    "departement",
    "region",
    "hub",
    "training_provider",
)  # a role's scope: one of them


class RoleScope(models.Model):
    """The role and the perimeter it applies to; shared by a role assignment and the invitation that creates it."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    structure = models.ForeignKey("structures.Structure", on_delete=models.CASCADE, null=True, blank=True)
    is_admin = models.BooleanField("administrateur de la structure", default=False)
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, null=True, blank=True, verbose_name="département"
    )
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name="région"
    )
    hub = models.ForeignKey("territories.Hub", on_delete=models.CASCADE, null=True, blank=True)
    training_provider = models.ForeignKey(
        "training.TrainingProvider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="organisme de formation",
    )

    class Meta:
        abstract = True

    @classmethod
    def scope_constraints(cls, prefix):
        q = models.Q
        return [
            models.CheckConstraint(
                condition=~q(role=Role.STRUCTURE) | q(structure__isnull=False),
                name=f"{prefix}_structure_role_has_structure",
            ),
            models.CheckConstraint(
                condition=~q(role=Role.PREFECTURE)
                | (
                    q(departement__isnull=False, region__isnull=True)
                    | q(departement__isnull=True, region__isnull=False)
                ),
                name=f"{prefix}_prefecture_role_has_one_territory",
            ),
            models.CheckConstraint(
                condition=~q(role=Role.HUB) | q(hub__isnull=False), name=f"{prefix}_hub_role_has_hub"
            ),
            models.CheckConstraint(
                condition=~q(role=Role.TRAINING_PROVIDER) | q(training_provider__isnull=False),
                name=f"{prefix}_training_role_has_provider",
            ),
            models.CheckConstraint(
                condition=q(is_admin=False) | q(role=Role.STRUCTURE),
                name=f"{prefix}_admin_only_for_structure",
            ),
        ]

    @property
    def scope(self):
        return self.structure or self.departement or self.region or self.hub or self.training_provider

    @property
    def scope_key(self) -> str:
        for field in SCOPE_FIELDS:
            value = getattr(self, f"{field}_id")
            if value is not None:
                return f"{field}:{value}"
        return ""

    @property
    def label(self) -> str:
        role = Role(self.role).label
        scope = self.scope
        return f"{role} — {scope}" if scope else role


class ScopedQuerySet(models.QuerySet):
    def with_scope(self):
        return self.select_related(*SCOPE_FIELDS)


class RoleAssignmentQuerySet(ScopedQuerySet):
    pass


class RoleAssignment(RoleScope):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    scope_id = models.CharField(max_length=60, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "rôle attribué"
        verbose_name_plural = "rôles attribués"
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope_id"], name="role_assignment_unique"),
            *RoleScope.scope_constraints("role_assignment"),
        ]

    def __str__(self):
        return f"{self.user} : {self.label}"

    def save(self, *args, **kwargs):
        self.scope_id = self.scope_key
        super().save(*args, **kwargs)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(RoleScope):
    """An email invitation to take a role; the token (valid 7 days, single use) is only stored hashed."""

    email = models.EmailField("adresse électronique")
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    # Already known to whoever invites (a structure's contact gave it in the application): not asked again.
    phone = models.CharField("téléphone", max_length=20, blank=True)
    # What the invited person should know, shown in the email and on the invitation page: [[label, value], …].
    details = models.JSONField("informations jointes", default=list, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="sent_invitations"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]
        constraints = RoleScope.scope_constraints("invitation")

    def __str__(self):
        return f"Invitation de {self.email} ({self.label})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class RateCounter(models.Model):
    """How many times one key (a form and an address or a client, hashed) acted in one time window; see
    cnfs/accounts/ratelimit.py. Rows are deleted once their window has passed."""

    key = models.CharField(max_length=64)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "compteur de limitation"
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_counter_key_window")]

    def __str__(self):
        return f"{self.key[:8]}… {self.count}"


class RecoveryCodeDevice(Device):
    """The set of single-use recovery codes of one account, for when its authenticator is lost. The codes are shown
    once, when issued, and only their SHA-256 is stored (each has 60 random bits: a hash is enough)."""

    class Meta(Device.Meta):
        verbose_name = "codes de secours"
        verbose_name_plural = "codes de secours"

    def verify_token(self, token) -> bool:
        digest = hash_token(normalize_recovery_code(token))
        # One UPDATE that only matches an unused code: two concurrent uses of one code cannot both succeed.
        return bool(self.codes.filter(code_hash=digest, used_at__isnull=True).update(used_at=timezone.now()))

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


def normalize_recovery_code(token) -> str:
    """What the person typed, without spaces or dashes, upper-case (codes are shown as XXXX-XXXX-XXXX)."""
    return "".join(ch for ch in str(token or "") if ch.isalnum()).upper()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique")]

    def __str__(self):
        return f"Code de secours n° {self.pk}"


class WebAuthnDevice(Device):
    """A passkey or security key registered with WebAuthn: its credential id and public key (COSE), never a secret."""

    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = "clé de sécurité"

    def verify_token(self, token) -> bool:
        return False  # verified by an assertion (cnfs/accounts/webauthn.py), never by a typed code
