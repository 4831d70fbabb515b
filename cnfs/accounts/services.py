"""Account workflows: invitations, email confirmation, role switch. Each step writes the journal."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cnfs.journal.services import record
from cnfs.notifications.services import absolute_url, send_email

from .models import Invitation, RoleAssignment, User, hash_token

SCOPE_FIELDS = ("role", "structure", "is_admin", "departement", "region", "hub", "training_provider")
EMAIL_CONFIRMATION_SALT = "cnfs.accounts.email-confirmation"


class InvitationError(Exception):
    pass


def scope_values(source) -> dict:
    return {field: getattr(source, field) for field in SCOPE_FIELDS}


def invite(
    *,
    email: str,
    by: User | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    details=(),
    **scope,
) -> Invitation:
    """Create an invitation and mail its link (the token exists only in the email). `phone`, when known, is not
    asked again; `details` ([(label, value), …]) are shown in the email and on the invitation page."""
    token = Invitation.new_token()
    now = timezone.now()
    invitation = Invitation(
        email=User.objects.normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        phone=phone or "",
        details=[[str(label), str(value)] for label, value in details],
        token_hash=hash_token(token),
        invited_by=by,
        created_at=now,
        expires_at=now + settings.INVITATION_VALIDITY,
        **scope,
    )
    invitation.full_clean(exclude=["token_hash", "invited_by"])
    invitation.save()
    record(
        "invitation.sent",
        invitation,
        by=by,
        after={"role": invitation.role, "scope": invitation.scope_key},
    )
    send_email(
        event_key=f"invitation:{invitation.pk}",
        to=invitation.email,
        subject="Vous êtes invité(e) sur la plateforme Conseiller numérique",
        template="accounts/emails/invitation",
        context={
            "invitation": invitation,
            "inviter": by,
            "valid_days": settings.INVITATION_VALIDITY.days,
        },
        links={"url": absolute_url(reverse("accounts:invitation", args=[token]))},
    )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.with_scope().filter(token_hash=hash_token(token)).first()


def grant_role(user: User, *, by: User | None = None, **scope) -> RoleAssignment:
    assignment = RoleAssignment(user=user, **scope)
    existing = RoleAssignment.objects.filter(
        user=user, role=assignment.role, scope_id=assignment.scope_key
    ).first()
    if existing:
        return existing
    assignment.save()
    record(
        "role.granted",
        assignment,
        by=by or user,
        after={"user": user.pk, "role": assignment.role, "scope": assignment.scope_id},
    )
    return assignment


def accept_invitation(
    token: str, *, user: User | None = None, account_data: dict | None = None
) -> RoleAssignment:
    """Single use: the invitation row is locked, checked and marked accepted in one transaction.

    `user` is the logged-in account accepting it; otherwise `account_data` (names, phone, password) creates the
    account, whose email the invitation has just proved."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
        if invitation is None:
            raise InvitationError("Ce lien d'invitation n'est pas valide.")
        if invitation.accepted_at is not None:
            raise InvitationError("Cette invitation a déjà été utilisée.")
        if invitation.expires_at <= timezone.now():
            raise InvitationError(
                "Cette invitation a expiré : demandez à la personne qui vous a invité(e) de la renouveler."
            )
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise InvitationError(
                    "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
                )
            data = dict(account_data or {})
            password = data.pop("password")
            if not data.get("phone"):
                data["phone"] = invitation.phone
            user = User.objects.create_user(
                invitation.email, password, email_confirmed_at=timezone.now(), **data
            )
            record("account.created", user, by=user, after={"via": "invitation"})
        elif user.email.lower() != invitation.email.lower():
            raise InvitationError("Cette invitation a été envoyée à une autre adresse électronique.")
        assignment = grant_role(user, by=invitation.invited_by, **scope_values(invitation))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            "invitation.accepted",
            invitation,
            by=user,
            before={"accepted_at": None},
            after={"accepted_at": invitation.accepted_at},
        )
    return assignment


def email_confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_CONFIRMATION_SALT)


def send_email_confirmation(user: User, *, reason: str = "account") -> None:
    token = email_confirmation_token(user)
    send_email(
        event_key=f"email-confirmation:{user.pk}:{user.email}:{timezone.now():%Y%m%d%H%M}",
        to=user.email,
        subject="Confirmez votre adresse électronique",
        template="accounts/emails/confirm_email",
        context={
            "user": user,
            "valid_days": settings.EMAIL_CONFIRMATION_VALIDITY.days,
        },
        links={"url": absolute_url(reverse("accounts:confirm_email", args=[token]))},
    )


def confirm_email(token: str) -> User | None:
    """Marks the address confirmed; None when the link is invalid, expired, or the address changed since."""
    max_age = settings.EMAIL_CONFIRMATION_VALIDITY
    try:
        data = signing.loads(
            token, salt=EMAIL_CONFIRMATION_SALT, max_age=timedelta(seconds=max_age.total_seconds())
        )
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
        record(
            "account.email_confirmed",
            user,
            by=user,
            before={"email_confirmed_at": None},
            after={"email_confirmed_at": user.email_confirmed_at},
        )
    return user


def send_existing_account_notice(user: User) -> None:
    """Someone registered with the address of an existing account: the page they see is the one a new account gets
    (it never says the address is taken); the owner of the address is told here how to log in instead."""
    send_email(
        event_key=f"existing-account:{user.pk}:{secrets.token_hex(8)}",
        to=user.email,
        subject="Vous avez déjà un compte",
        template="accounts/emails/existing_account",
        context={
            "user": user,
            "login_url": absolute_url(reverse("accounts:login")),
            "reset_url": absolute_url(reverse("accounts:password_reset")),
        },
    )
    record("account.registration_with_existing_email", user, by=None)
