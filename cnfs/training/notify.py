"""Emails of the training (issue 10, §6): queued after commit through the task queue, at most once per event (the
event key names the training or session, the step and the recipient). Only names, dates, paths and modes go in."""

from django.urls import reverse

from cnfs.accounts.recipients import structure_users
from cnfs.notifications.services import absolute_url, send_email


def _person(training):
    return training.match.candidate.user


def _to_structure_and_person(training, *, key: str, subject: str, template: str, context: dict):
    person = _person(training)
    recipients = [
        (user, absolute_url(reverse("training:structure_plan")))
        for user in structure_users(training.structure)
    ]
    recipients.append((person, absolute_url(reverse("training:advisor"))))
    for user, url in recipients:
        send_email(
            event_key=f"{key}:{user.pk}",
            to=user.email,
            subject=subject,
            template=template,
            context={"training": training, "user": user, "person": person, "url": url, **context},
        )


def provider_assigned(training):
    _to_structure_and_person(
        training,
        key=f"training:{training.pk}:provider:{training.provider_id}",
        subject=f"Formation : l'organisme {training.provider} va vous contacter",
        template="training/emails/provider_assigned",
        context={"provider": training.provider},
    )


def positioning_booked(training):
    test = training.positioning
    _to_structure_and_person(
        training,
        key=f"training:{training.pk}:positioning:{test.scheduled_on.isoformat()}",
        subject=f"Test de positionnement le {test.scheduled_on:%d/%m/%Y}",
        template="training/emails/positioning_booked",
        context={"test": test, "provider": training.provider},
    )


def session_confirmed(session, *, switched: bool):
    from .models import SessionRegistration

    registrations = (
        SessionRegistration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("training__structure", "training__match__candidate__user")
        .order_by("pk")
    )
    subject = (
        f"Session du {session.start_date:%d/%m/%Y} : formation à distance"
        if session.mode == "remote"
        else f"Session du {session.start_date:%d/%m/%Y} confirmée en présentiel"
    )
    for registration in registrations:
        _to_structure_and_person(
            registration.training,
            key=f"training_session:{session.pk}:confirmed:{registration.training_id}",
            subject=subject,
            template="training/emails/session_confirmed",
            context={"session": session, "switched": switched, "minimum": 8},
        )


def training_completed(training):
    _to_structure_and_person(
        training,
        key=f"training:{training.pk}:completed",
        subject="Formation terminée : CCP1 et certification Pix enregistrés",
        template="training/emails/training_completed",
        context={},
    )


def onboarding_incomplete(checklist, contract) -> int:
    sent = 0
    for user in structure_users(checklist.structure):
        sent += (
            send_email(
                event_key=f"onboarding:{checklist.match_id}:incomplete:{contract.pk}:{user.pk}",
                to=user.email,
                subject="Prise de poste de votre conseiller : des éléments restent à préparer",
                template="training/emails/onboarding_incomplete",
                context={
                    "checklist": checklist,
                    "contract": contract,
                    "user": user,
                    "missing": [label for _, label, day in checklist.items() if not day],
                    "url": absolute_url(reverse("training:onboarding", args=[checklist.match_id])),
                },
            )
            is not None
        )
    return sent
