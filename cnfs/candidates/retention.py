"""Personal data retention (SPEC §15, CNIL): what is kept, and for how long, is stated on the "Données personnelles"
page from the same settings.

- A candidate inactive for CNFS_CANDIDATE_INACTIVITY (2 years; activity = last login, last profile change or sign-up,
  whichever is latest) is warned by email; CNFS_RETENTION_WARNING_NOTICE (a month) after the warning, unless they
  logged in meanwhile, their personal data is erased by the same `services.erase` as a deletion they ask for: the
  anonymous row (commune, dates) stays, so counts by territory do not change.
- An account whose email was never confirmed is deleted CNFS_UNCONFIRMED_ACCOUNT_RETENTION (30 days) after sign-up.

`plan(now)` says what would be done; `apply_retention` (the daily task) does it; `manage.py apply_retention` prints
the plan and does it only with --apply. Only candidate accounts are concerned: an account holding any other role is
never touched here.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce, Greatest
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.models import RoleAssignment, User
from cnfs.accounts.roles import Role
from cnfs.journal.services import record
from cnfs.notifications.services import absolute_url, send_email

from .models import Candidate
from .services import CandidateError, erase


@dataclass
class Plan:
    warn: list[int] = field(default_factory=list)  # candidate ids
    anonymise: list[int] = field(default_factory=list)  # candidate ids
    came_back: list[int] = field(default_factory=list)  # candidate ids warned, then active again
    purge: list[int] = field(default_factory=list)  # user ids of unconfirmed accounts


def _other_role(user_ref="user"):
    return Exists(RoleAssignment.objects.filter(user=OuterRef(user_ref)).exclude(role=Role.CANDIDATE))


def _with_activity(queryset):
    return queryset.annotate(
        activity=Greatest(
            F("last_activity_at"),
            Coalesce(F("user__last_login"), F("last_activity_at")),
            F("user__date_joined"),
        )
    )


def plan(now=None) -> Plan:
    now = now or timezone.now()
    inactive_since = now - settings.CNFS_CANDIDATE_INACTIVITY
    warned_before = now - settings.CNFS_RETENTION_WARNING_NOTICE
    candidates = _with_activity(
        Candidate.objects.filter(
            erased_at__isnull=True, user__isnull=False, user__email_confirmed_at__isnull=False
        )
        .exclude(_other_role())
        .order_by("pk")
    )
    result = Plan()
    result.warn = list(
        candidates.filter(retention_warned_at__isnull=True, activity__lte=inactive_since).values_list(
            "pk", flat=True
        )
    )
    warned = candidates.filter(retention_warned_at__isnull=False)
    result.came_back = list(warned.filter(activity__gt=F("retention_warned_at")).values_list("pk", flat=True))
    result.anonymise = list(
        warned.filter(
            activity__lte=F("retention_warned_at"), retention_warned_at__lte=warned_before
        ).values_list("pk", flat=True)
    )
    result.purge = list(
        User.objects.filter(
            email_confirmed_at__isnull=True,
            date_joined__lte=now - settings.CNFS_UNCONFIRMED_ACCOUNT_RETENTION,
            is_staff=False,
            is_superuser=False,
        )
        .exclude(_other_role("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return result


def describe(result: Plan) -> list[str]:
    return [
        f"{len(result.warn)} candidat(s) inactif(s) à avertir : {result.warn}",
        f"{len(result.anonymise)} candidat(s) à anonymiser (avertis sans retour) : {result.anonymise}",
        f"{len(result.came_back)} candidat(s) revenu(s) après l'avertissement : {result.came_back}",
        f"{len(result.purge)} compte(s) non confirmé(s) à supprimer : {result.purge}",
    ]


def _warn(candidate: Candidate, now) -> None:
    user = candidate.user
    deadline = now + settings.CNFS_RETENTION_WARNING_NOTICE
    updated = Candidate.objects.filter(pk=candidate.pk, retention_warned_at__isnull=True).update(
        retention_warned_at=now
    )
    if not updated:  # warned meanwhile by another run
        return
    record("candidate.retention_warned", candidate, by=None, after={"retention_warned_at": now})
    send_email(
        event_key=f"candidate-retention-warning:{candidate.pk}:{now.date().isoformat()}",
        to=user.email,
        subject="Votre compte candidat sera supprimé faute d'utilisation",
        template="candidates/emails/retention_warning",
        context={
            "first_name": user.first_name,
            "deadline": timezone.localdate(deadline),
            "inactivity_years": settings.CNFS_CANDIDATE_INACTIVITY.days // 365,
            "login_url": absolute_url(reverse("accounts:login")),
        },
    )


def run(now=None, *, apply: bool) -> tuple[Plan, list[str]]:
    """The plan, and what happened (or would happen) to each row."""
    now = now or timezone.now()
    result = plan(now)
    if not apply:
        return result, describe(result)
    notes = describe(result)
    for candidate in Candidate.objects.filter(pk__in=result.warn).select_related("user"):
        _warn(candidate, now)
    if result.came_back:
        Candidate.objects.filter(pk__in=result.came_back).update(retention_warned_at=None)
        for pk in result.came_back:
            record(
                "candidate.retention_cleared", Candidate(pk=pk), by=None, after={"retention_warned_at": None}
            )
    for candidate in Candidate.objects.filter(pk__in=result.anonymise):
        try:
            erase(candidate, by=None)
        except CandidateError as error:  # e.g. hired meanwhile: kept, and said so
            notes.append(f"Candidat {candidate.pk} non anonymisé : {error}")
        else:
            record("candidate.anonymised_for_inactivity", candidate, by=None)
    for user in User.objects.filter(pk__in=result.purge):
        candidate = Candidate.objects.filter(user=user, erased_at__isnull=True).first()
        try:
            if candidate is not None:
                erase(candidate, by=None)  # deletes the account too
            else:
                user_id = user.pk
                user.delete()
                record("account.deleted", None, by=None, after={"user": user_id, "reason": "unconfirmed"})
        except CandidateError as error:
            notes.append(f"Compte {user.pk} non supprimé : {error}")
    return result, notes


@task()
def apply_retention() -> dict:
    result, _ = run(apply=True)
    return {
        "warned": len(result.warn),
        "anonymised": len(result.anonymise),
        "came_back": len(result.came_back),
        "purged": len(result.purge),
    }
