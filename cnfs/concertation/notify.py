"""The emails of the concertation (SPEC §14). All go through `send_email`: after commit, from a task, once per event."""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.recipients import anct_recipients, prefecture_recipients, structure_recipients
from cnfs.notifications.services import absolute_url, send_email

from . import conf
from .models import DecisionOutcome

TEMPLATE = "concertation/emails/message"
CONFIRMATION_SALT = "cnfs.concertation.application-email"


def _send(
    event_key,
    to,
    subject,
    *,
    greeting="Bonjour,",
    paragraphs=(),
    items=(),
    url="",
    url_label="",
    secret_url=False,
):
    """`secret_url`: the link carries a token, sealed until the email is sent (see cnfs.notifications)."""
    return send_email(
        event_key=event_key,
        to=to,
        subject=subject,
        template=TEMPLATE,
        context={
            "greeting": greeting,
            "paragraphs": list(paragraphs),
            "items": list(items),
            "url": "" if secret_url else url,
            "url_label": url_label,
        },
        links={"url": url} if secret_url else None,
    )


def confirmation_token(application) -> str:
    return signing.dumps(
        {"a": str(application.public_id), "e": application.contact_email}, salt=CONFIRMATION_SALT
    )


def read_confirmation_token(token: str, max_age) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return data.get("a"), data.get("e")


def summary_items(application) -> list[tuple[str, str]]:
    return [
        ("Structure", application.display_name),
        ("SIRET", application.siret),
        ("Type", application.get_type_display()),
        ("Commune", str(application.commune or "")),
        ("Contact", f"{application.contact_name} ({application.contact_email})"),
        ("Conseillers souhaités", application.advisors_wanted or "pas encore décidé"),
        ("Démarrage souhaité", f"{application.start_date:%d/%m/%Y}" if application.start_date else ""),
    ]


def send_confirmation(application):
    url = absolute_url(reverse("concertation:confirm", args=[confirmation_token(application)]))
    return _send(
        f"application-confirm:{application.pk}:{application.contact_email}:{timezone.now():%Y%m%d%H%M}",
        application.contact_email,
        "Confirmez votre adresse pour transmettre la candidature",
        greeting=f"Bonjour {application.contact_first_name},",
        paragraphs=[
            f"Vous avez déposé la candidature de « {application.display_name} » pour accueillir un conseiller "
            "numérique. Confirmez votre adresse électronique : la candidature sera alors transmise au préfet de "
            "votre département, sans autre action de votre part.",
            "Ce lien est valable 7 jours. Si vous n'êtes pas à l'origine de cette candidature, ignorez ce message.",
        ],
        url=url,
        url_label="Confirmer mon adresse et transmettre la candidature",
        secret_url=True,
    )


def cancellation_link(application, link, token):
    hours = int((link.expires_at - link.created_at).total_seconds() // 3600)
    return _send(
        f"application-cancellation-link:{link.pk}",
        application.contact_email,
        "Lien pour annuler votre candidature",
        greeting=f"Bonjour {application.contact_first_name},",
        paragraphs=[
            f"Une demande d'annulation de la candidature de « {application.display_name} » a été faite depuis la "
            "page de la candidature. Pour confirmer l'annulation, ouvrez le lien ci-dessous.",
            f"Ce lien ne sert qu'une fois et reste valable {hours} heures. Si vous ne souhaitez pas annuler votre "
            "candidature, ignorez ce message : elle reste transmise.",
        ],
        url=absolute_url(reverse("concertation:cancel_confirm", args=[token])),
        url_label="Annuler ma candidature",
        secret_url=True,
    )


def application_received(application):
    return _send(
        f"application-received:{application.pk}",
        application.contact_email,
        "Votre candidature est transmise au préfet",
        greeting=f"Bonjour {application.contact_first_name},",
        paragraphs=[
            "Votre adresse est confirmée et votre candidature est transmise au préfet de votre département. "
            "Le préfet donne son avis, puis le comité de sélection de l'ANCT décide du nombre de postes "
            "accordés, en général dans un délai de 4 à 8 semaines. Vous serez prévenu(e) par courriel.",
            "Récapitulatif de votre candidature :",
        ],
        items=summary_items(application),
        url=absolute_url(reverse("concertation:summary", args=[application.public_id])),
        url_label="Voir ma candidature",
        secret_url=True,  # the application's private page
    )


def opinion_given(opinion):
    application = opinion.application
    for email in anct_recipients():
        _send(
            f"opinion-given:{opinion.pk}:{email}",
            email,
            f"Avis du préfet : {application.display_name} ({application.departement_id})",
            paragraphs=[
                f"Le préfet a donné un avis {opinion.get_value_display().lower()} sur la candidature de "
                f"« {application.display_name} ».",
                opinion.comment,
            ],
            items=[
                ("Postes suggérés", opinion.suggested_posts if opinion.suggested_posts is not None else "—")
            ],
            url=absolute_url(reverse("concertation:detail", args=[application.pk])),
            url_label="Voir la candidature",
        )


def recruitment_deadline(decision):
    """The structure recruits within 2 months (setting) of the committee that granted its posts."""
    from cnfs.structures.services import recruitment_deadline as deadline_after

    return deadline_after(decision.committee_date)


def activation_details(application) -> list[tuple[str, str]]:
    """The decision and the posts granted, for the activation email and page (the contact's invitation)."""
    decision = (
        application.decisions.filter(outcome=DecisionOutcome.POSITIVE)
        .order_by("-committee_date", "-pk")
        .first()
    )
    if decision is None:
        return []
    return [
        ("Structure", application.display_name),
        ("Décision du comité de sélection", f"positive, n° {decision.number}"),
        ("Postes de conseiller numérique accordés", str(application.posts_granted())),
        ("Date du comité", f"{decision.committee_date:%d/%m/%Y}"),
        ("Recruter au plus tard le", f"{recruitment_deadline(decision):%d/%m/%Y}"),
    ]


def decision_made(decision):
    application = decision.application
    if decision.outcome == DecisionOutcome.POSITIVE:
        text = (
            f"Le comité de sélection du {decision.committee_date:%d/%m/%Y} a accordé {decision.posts} poste(s) de "
            f"conseiller numérique à « {application.display_name} » (décision n° {decision.number}). "
            "Vous allez recevoir une invitation pour choisir votre mot de passe et accéder à l'espace de la "
            f"structure. Vous avez {conf.recruitment_months()} mois à compter du comité pour recruter, soit "
            f"jusqu'au {recruitment_deadline(decision):%d/%m/%Y}."
        )
    elif decision.outcome == DecisionOutcome.NEGATIVE:
        text = (
            f"Le comité de sélection du {decision.committee_date:%d/%m/%Y} n'a pas retenu la candidature de "
            f"« {application.display_name} » (décision n° {decision.number})."
        )
    else:
        text = (
            f"Le comité de sélection du {decision.committee_date:%d/%m/%Y} a demandé un examen complémentaire de "
            f"la candidature de « {application.display_name} »."
        )
    paragraphs = [text] + ([decision.comment] if decision.comment else [])
    subject = f"Décision du comité de sélection : {application.display_name}"
    _send(
        f"decision:{decision.pk}:structure",
        application.contact_email,
        subject,
        greeting=f"Bonjour {application.contact_first_name},",
        paragraphs=paragraphs,
    )
    for email in prefecture_recipients(application.departement):
        _send(
            f"decision:{decision.pk}:prefecture:{email}",
            email,
            subject,
            paragraphs=paragraphs,
            url=absolute_url(reverse("concertation:detail", args=[application.pk])),
            url_label="Voir la candidature",
        )


def change_requested(change):
    """A structure asks to add or give back posts: the préfet(s) of its département and ANCT are told."""
    application = change.application
    structure = application.structure
    departement = structure.departement if structure else application.departement
    name = structure or application.display_name
    paragraphs = [
        f"« {name} » demande {change.get_kind_display().lower()} : {change.posts} poste(s), "
        f"motif « {change.get_motive_display().lower()} ».",
        "Le préfet donne son avis sur les demandes d'ajout ; l'ANCT décide."
        if change.kind == "addition"
        else "L'ANCT décide des retraits de postes.",
    ]
    subject = f"Demande de modification de postes : {name} ({departement.pk})"
    url = absolute_url(reverse("concertation:change_detail", args=[change.pk]))
    for email in sorted(set(prefecture_recipients(departement)) | set(anct_recipients())):
        _send(
            f"post-change:{change.pk}:requested:{email}",
            email,
            subject,
            paragraphs=paragraphs,
            url=url,
            url_label="Voir la demande",
        )


def change_decided(change):
    application = change.application
    accepted = change.status == "accepted"
    text = (
        f"Votre demande ({change.get_kind_display().lower()} : {change.posts}) a été "
        f"{'acceptée' if accepted else 'refusée'} par l'ANCT."
    )
    recipients = set(structure_recipients(application.structure, admins_only=True)) | {
        application.contact_email
    }
    for email in sorted(recipients):
        _send(
            f"post-change:{change.pk}:{change.status}:{email}",
            email,
            "Décision sur votre demande de modification de postes",
            paragraphs=[text] + ([change.decision_comment] if change.decision_comment else []),
            url=absolute_url(reverse("structures:posts")),
            url_label="Voir mes postes",
        )


def prefecture_digest(email: str, day, applications) -> None:
    if not applications:
        return None
    return _send(
        f"prefecture-digest:{day:%Y-%m-%d}:{email}",
        email,
        f"Nouvelles candidatures de structures ({len(applications)})",
        paragraphs=[
            f"{len(applications)} nouvelle(s) candidature(s) de structures ont été transmises sur votre territoire :"
        ],
        items=[(f"{a.display_name} ({a.commune})", a.get_type_display()) for a in applications],
        url=absolute_url(reverse("concertation:list")),
        url_label="Donner l'avis du préfet",
    )
