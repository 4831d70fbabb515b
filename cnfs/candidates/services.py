"""Candidate workflows: registration, profile, CV, Pix sharing, availability, erasure. Each step writes the journal."""

from django.db import transaction
from django.utils import timezone

from cnfs.accounts.models import User
from cnfs.accounts.roles import Role
from cnfs.accounts.services import grant_role, send_email_confirmation
from cnfs.journal.services import record
from cnfs.notifications.services import purge_emails_to

from . import cv
from .models import Candidate, UnavailableReason
from .signals import (
    candidate_available_again,
    candidate_erasing,
    candidate_held,
    candidate_registered,
    candidate_withdrawn,
)

PROFILE_FIELDS = (
    "commune",
    "is_job_seeker",
    "is_employed",
    "is_in_training",
    "has_diploma",
    "diploma_name",
    "has_experience",
    "was_advisor",
    "available_from",
    "max_distance",
    "motivation",
)


class CandidateError(Exception):
    pass


def register(*, account: dict, profile: dict, cv_upload=None) -> Candidate:
    """Creates the account (email not confirmed yet), the candidate and the candidate role, mails the
    confirmation link. The candidate is visible to structures once the email is confirmed."""
    stored_cv = cv.store(cv_upload) if cv_upload else ""
    try:
        with transaction.atomic():
            data = dict(account)
            password = data.pop("password")
            user = User.objects.create_user(data.pop("email"), password, **data)
            record("account.created", user, by=user, after={"via": "candidate_registration"})
            candidate = Candidate(user=user, **profile)
            candidate.locate()
            if stored_cv:
                candidate.cv_name, candidate.cv_uploaded_at = stored_cv, timezone.now()
            candidate.save()
            grant_role(user, by=user, role=Role.CANDIDATE)
            record("candidate.registered", candidate, by=user, after=_snapshot(candidate))
            candidate_registered.send(sender=Candidate, candidate=candidate)
            send_email_confirmation(user)
    except Exception:
        cv.delete(stored_cv)
        raise
    return candidate


def _snapshot(candidate) -> dict:
    values = {field: getattr(candidate, field) for field in PROFILE_FIELDS}
    values["commune"] = candidate.commune_id
    values.pop("motivation")  # free text: not copied into the journal
    return values


def update_profile(candidate: Candidate, changes: dict, *, by) -> Candidate:
    with transaction.atomic():
        before = _snapshot(candidate)
        for field, value in changes.items():
            setattr(candidate, field, value)
        if "commune" in changes:
            candidate.locate()
        candidate.last_activity_at = timezone.now()
        candidate.save()
        after = _snapshot(candidate)
        record(
            "candidate.profile_updated",
            candidate,
            by=by,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return candidate


def replace_cv(candidate: Candidate, upload, *, by) -> Candidate:
    new_name = cv.store(upload)
    old_name = candidate.cv_name
    try:
        with transaction.atomic():
            candidate.cv_name, candidate.cv_uploaded_at = new_name, timezone.now()
            candidate.save(update_fields=["cv_name", "cv_uploaded_at", "updated_at"])
            record("candidate.cv_uploaded", candidate, by=by, after={"replaced": bool(old_name)})
    except Exception:
        cv.delete(new_name)
        raise
    transaction.on_commit(lambda: cv.delete(old_name))
    return candidate


def remove_cv(candidate: Candidate, *, by) -> Candidate:
    old_name = candidate.cv_name
    with transaction.atomic():
        candidate.cv_name, candidate.cv_uploaded_at = "", None
        candidate.save(update_fields=["cv_name", "cv_uploaded_at", "updated_at"])
        record("candidate.cv_removed", candidate, by=by)
    transaction.on_commit(lambda: cv.delete(old_name))
    return candidate


def set_pix_sharing(candidate: Candidate, shared: bool, *, by) -> Candidate:
    with transaction.atomic():
        before = candidate.pix_shared
        candidate.pix_shared = shared
        candidate.save(update_fields=["pix_shared", "updated_at"])
        record(
            "candidate.pix_sharing",
            candidate,
            by=by,
            before={"pix_shared": before},
            after={"pix_shared": shared},
        )
    return candidate


def withdraw(candidate: Candidate, *, reason: str, comment: str = "", by) -> Candidate:
    """The candidate stops being available: structures no longer see them, their open matches are closed."""
    if reason not in UnavailableReason.values:
        raise CandidateError("Choisissez un motif.")
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if not candidate.is_available:
            raise CandidateError("Vous n'êtes déjà plus disponible.")
        candidate.is_available = False
        candidate.unavailable_reason = reason
        candidate.unavailable_comment = comment
        candidate.unavailable_since = timezone.now()
        candidate.save()
        record(
            "candidate.withdrawn", candidate, by=by, before={"is_available": True}, after={"reason": reason}
        )
        candidate_withdrawn.send(sender=Candidate, candidate=candidate, by=by)
    return candidate


HELD_MESSAGE = (
    "Vous êtes recruté(e) comme conseiller numérique (ou votre recrutement est en cours) : "
    "votre candidature n'est plus proposée aux structures."
)


def is_held(candidate: Candidate) -> bool:
    """Hired, or a hire requested: the candidate cannot declare themselves available again."""
    return any(held for _, held in candidate_held.send(sender=Candidate, candidate=candidate))


def make_available(candidate: Candidate, *, available_from, by) -> Candidate:
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if is_held(candidate):
            raise CandidateError(HELD_MESSAGE)
        candidate.is_available = True
        candidate.unavailable_reason = ""
        candidate.unavailable_comment = ""
        candidate.unavailable_since = None
        candidate.available_from = available_from
        candidate.save()
        record("candidate.available_again", candidate, by=by, after={"available_from": available_from})
        candidate_available_again.send(sender=Candidate, candidate=candidate, by=by)
    return candidate


def erase(candidate: Candidate, *, by) -> None:
    """Right to erasure: personal data erased, matches closed, the emails stored for them deleted, the account
    deleted. The candidate row stays, anonymous (commune and dates), for the statistics; the journal keeps only ids."""
    with transaction.atomic():
        candidate = (
            Candidate.objects.select_for_update(of=("self",)).select_related("user").get(pk=candidate.pk)
        )
        candidate_erasing.send(sender=Candidate, candidate=candidate, by=by)  # may refuse (CandidateError)
        old_cv = candidate.cv_name
        user = candidate.user
        if hasattr(candidate, "pix"):
            candidate.pix.delete()
        candidate.user = None
        candidate.diploma_name = ""
        candidate.motivation = ""
        candidate.unavailable_comment = ""
        candidate.cv_name, candidate.cv_uploaded_at = "", None
        candidate.pix_shared = False
        candidate.is_available = False
        candidate.unavailable_reason = UnavailableReason.OTHER
        candidate.unavailable_since = candidate.erased_at = timezone.now()
        candidate.save()
        record("candidate.erased", candidate, by=by, after={"erased_at": candidate.erased_at})
        if user is not None:
            user_id = user.pk
            purge_emails_to(user.email)  # the stored emails held their name, address and links
            user.delete()
            record("account.deleted", None, by=None, after={"user": user_id})
        transaction.on_commit(lambda: cv.delete(old_cv))
