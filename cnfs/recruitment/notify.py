"""Emails of the recruitment steps (§14): queued after commit, at most once per event."""

from django.urls import reverse

from cnfs.accounts.recipients import prefecture_recipients, structure_users
from cnfs.notifications.services import absolute_url, send_email


def _to_candidate(match, key, subject, template):
    user = match.candidate.user
    if user is None:
        return
    send_email(
        event_key=f"match:{match.pk}:{key}:{match.transitions.count()}",
        to=user.email,
        subject=subject,
        template=template,
        context={"match": match, "user": user, "url": absolute_url(reverse("candidates:space"))},
    )


def shortlisted(match):
    _to_candidate(
        match,
        "shortlisted",
        "Une structure s'intéresse à votre candidature",
        "recruitment/emails/shortlisted",
    )


def hire_requested(match):
    _to_candidate(
        match,
        "hire_requested",
        "Une structure souhaite vous recruter",
        "recruitment/emails/hire_requested_candidate",
    )
    # The préfecture follows its territory (ANCT's email comes with the grant file: funding's receiver).
    step = match.transitions.count()
    for email in prefecture_recipients(match.structure.departement):
        send_email(
            event_key=f"match:{match.pk}:hire_requested:prefecture:{email}:{step}",
            to=email,
            subject=f"Recrutement d'un conseiller numérique : {match.structure}",
            template="recruitment/emails/hire_requested_prefecture",
            context={"match": match},
        )


def hire_refused(match, reason):
    for user in structure_users(match.structure):
        send_email(
            event_key=f"match:{match.pk}:hire_refused:{user.pk}:{match.transitions.count()}",
            to=user.email,
            subject="Votre demande de recrutement est arrêtée",
            template="recruitment/emails/hire_refused",
            context={"match": match, "user": user, "reason": reason},
        )


def hired(match):
    _to_candidate(match, "hired", "Votre recrutement est validé", "recruitment/emails/hired")


def deadline_reminder(post, days: int, days_left: int) -> int:
    """The recruitment deadline of one post, recalled to the structure's team (once per post, deadline and
    reminder: an extended deadline is recalled again)."""
    sent = 0
    for user in structure_users(post.structure):
        email = send_email(
            event_key=f"post:{post.pk}:deadline:{post.deadline:%Y%m%d}:reminder:{days}:{user.pk}",
            to=user.email,
            subject=f"Recrutement : date limite le {post.deadline:%d/%m/%Y}",
            template="recruitment/emails/deadline_reminder",
            context={
                "post": post,
                "user": user,
                "days": days_left,
                "url": absolute_url(reverse("structures:posts")),
            },
        )
        sent += email is not None
    return sent
