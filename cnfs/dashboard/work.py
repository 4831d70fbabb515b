"""The work waiting for the current role, shown on "Mon espace": a few counts, each with the page that deals with it.

Each role's figures come from a fixed number of queries (aggregates with filtered counts), whatever the volume."""

from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from cnfs.accounts.roles import Role


@dataclass(frozen=True)
class WorkItem:
    """One kind of work waiting: "3 candidatures attendent votre avis", with a link to the list that shows them."""

    count: int
    singular: str
    plural: str
    none: str
    url: str | None = None
    oldest: date | datetime | None = None
    oldest_label: str = ""

    @property
    def text(self) -> str:
        if not self.count:
            return self.none
        return f"{self.count} {self.singular if self.count == 1 else self.plural}"


@dataclass
class Work:
    """What "Mon espace" shows above the sections: waiting work, key facts, next steps."""

    items: list[WorkItem] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    candidate: object = None
    completeness: list[tuple[str, bool]] = field(default_factory=list)
    # the advisor's onboarding checklist [(label, done)] and the community's links [(name, url)]
    onboarding: list[tuple[str, bool]] = field(default_factory=list)
    community: list[tuple[str, str]] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for _, done in self.completeness if done)


def _url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def _prefecture(context) -> Work:
    from cnfs.concertation.models import ApplicationStatus, ChangeKind, ChangeStatus, StructureApplication

    applications = StructureApplication.objects.visible_to(context)
    awaiting = applications.filter(status=ApplicationStatus.SUBMITTED, opinion__isnull=True).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    changes = applications.filter(
        change_requests__kind=ChangeKind.ADDITION, change_requests__status=ChangeStatus.REQUESTED
    ).aggregate(count=Count("change_requests"), oldest=Min("change_requests__requested_at"))
    return Work(
        items=[
            WorkItem(
                awaiting["count"],
                "candidature attend votre avis",
                "candidatures attendent votre avis",
                "Aucune candidature n'attend votre avis.",
                _url(
                    "concertation:list",
                    status=ApplicationStatus.SUBMITTED,
                    has_opinion="no",
                    sort="submitted_at",
                ),
                awaiting["oldest"],
                "la plus ancienne transmise le",
            ),
            WorkItem(
                changes["count"],
                "demande de postes supplémentaires attend votre avis",
                "demandes de postes supplémentaires attendent votre avis",
                "Aucune demande de postes n'attend votre avis.",
                _url("concertation:changes"),
                changes["oldest"],
                "la plus ancienne reçue le",
            ),
        ]
    )


def _anct(context) -> Work:
    from cnfs.concertation.models import (
        ApplicationStatus,
        ChangeKind,
        ChangeStatus,
        PostChangeRequest,
        StructureApplication,
    )
    from cnfs.recruitment.models import Match, MatchStatus

    S = ApplicationStatus
    applications = StructureApplication.objects.visible_to(context).aggregate(
        with_opinion=Count("pk", filter=Q(status=S.OPINION_GIVEN)),
        with_opinion_oldest=Min("submitted_at", filter=Q(status=S.OPINION_GIVEN)),
        further=Count("pk", filter=Q(status=S.FURTHER_EXAMINATION)),
        without_opinion=Count("pk", filter=Q(status=S.SUBMITTED)),
    )
    changes = PostChangeRequest.objects.filter(
        Q(status=ChangeStatus.OPINION_GIVEN) | Q(status=ChangeStatus.REQUESTED, kind=ChangeKind.RETURN)
    ).aggregate(count=Count("pk"), oldest=Min("requested_at"))
    hires = Match.objects.filter(status=MatchStatus.HIRE_REQUESTED).aggregate(
        count=Count("pk"), oldest=Min("status_changed_at")
    )
    return Work(
        items=[
            WorkItem(
                applications["with_opinion"],
                "candidature a reçu l'avis du préfet et attend la décision",
                "candidatures ont reçu l'avis du préfet et attendent la décision",
                "Aucune candidature avec l'avis du préfet n'attend de décision.",
                _url("concertation:list", status=S.OPINION_GIVEN, sort="submitted_at"),
                applications["with_opinion_oldest"],
                "la plus ancienne transmise le",
            ),
            WorkItem(
                applications["further"],
                "candidature en examen complémentaire",
                "candidatures en examen complémentaire",
                "Aucune candidature en examen complémentaire.",
                _url("concertation:list", status=S.FURTHER_EXAMINATION, sort="submitted_at"),
            ),
            WorkItem(
                applications["without_opinion"],
                "candidature attend encore l'avis du préfet",
                "candidatures attendent encore l'avis du préfet",
                "Aucune candidature n'attend l'avis du préfet.",
                _url("concertation:list", status=S.SUBMITTED, sort="submitted_at"),
            ),
            WorkItem(
                changes["count"],
                "demande de modification de postes attend votre décision",
                "demandes de modification de postes attendent votre décision",
                "Aucune demande de modification de postes n'attend de décision.",
                _url("concertation:changes"),
                changes["oldest"],
                "la plus ancienne reçue le",
            ),
            WorkItem(
                hires["count"],
                "recrutement en cours (dossier de subvention)",
                "recrutements en cours (dossier de subvention)",
                "Aucun recrutement en cours.",
                _url("funding:hire_requests"),
                hires["oldest"],
                "le plus ancien demandé le",
            ),
        ]
    )


def _structure(context) -> Work:
    from cnfs.concertation.models import StructureApplication
    from cnfs.funding.models import EDITABLE_FILE_STATUSES, GrantFile
    from cnfs.recruitment.models import Match, MatchStatus
    from cnfs.structures.services import posts_summary

    structure = context.structure
    matches = Match.objects.filter(structure=structure).aggregate(
        shortlisted=Count("pk", filter=Q(status=MatchStatus.SHORTLISTED)),
        hire_requested=Count("pk", filter=Q(status=MatchStatus.HIRE_REQUESTED)),
    )
    application = (
        StructureApplication.objects.visible_to(context)
        .order_by("-submitted_at", "-pk")
        .only("status", "submitted_at")
        .first()
    )
    summary = posts_summary(structure)
    files = GrantFile.objects.filter(structure=structure).aggregate(
        to_complete=Count("pk", filter=Q(status__in=EDITABLE_FILE_STATUSES))
    )
    facts = []
    if application is not None:
        facts.append(("Votre candidature", application.get_status_display()))
    facts.append(("Postes accordés", str(summary.granted)))
    facts.append(("Postes encore libres", str(summary.free)))
    deadline = summary.next_deadline or summary.first_free_deadline
    if deadline:
        days = (deadline - timezone.localdate()).days
        left = (
            "délai dépassé"
            if days < 0
            else "dernier jour"
            if days == 0
            else f"encore {days} jour{'s' if days > 1 else ''}"
        )
        facts.append(("Recruter avant le", f"{deadline:%d/%m/%Y} ({left})"))
    return Work(
        items=[
            WorkItem(
                matches["shortlisted"],
                "candidat présélectionné à rencontrer",
                "candidats présélectionnés à rencontrer",
                "Aucun candidat présélectionné pour l'instant.",
                _url("recruitment:candidate_list", onglet="shortlisted"),
            ),
            WorkItem(
                files["to_complete"],
                "dossier de subvention à compléter ou à transmettre",
                "dossiers de subvention à compléter ou à transmettre",
                "Aucun dossier de subvention à compléter.",
                _url("funding:file_list"),
            ),
            WorkItem(
                matches["hire_requested"],
                "recrutement demandé, en attente de la décision de conformité",
                "recrutements demandés, en attente de la décision de conformité",
                "Aucun recrutement en attente de décision.",
                _url("recruitment:candidate_list", onglet="hire_requested"),
            ),
        ],
        facts=facts,
    )


def _bdt(context) -> Work:
    from cnfs.funding.models import FileStatus, GrantFile

    today = timezone.localdate()
    files = (
        GrantFile.objects.visible_to(context)
        .filter(status=FileStatus.TRANSMITTED)
        .aggregate(
            count=Count("pk"),
            oldest=Min("review_deadline"),
            overdue=Count("pk", filter=Q(review_deadline__lt=today)),
        )
    )
    return Work(
        items=[
            WorkItem(
                files["count"],
                "dossier de subvention à instruire",
                "dossiers de subvention à instruire",
                "Aucun dossier à instruire.",
                _url("funding:queue"),
                files["oldest"],
                "la première date limite est le",
            ),
            WorkItem(
                files["overdue"],
                "dossier en retard (délai de 15 jours dépassé)",
                "dossiers en retard (délai de 15 jours dépassé)",
                "Aucun dossier en retard.",
                _url("funding:queue", overdue="on"),
            ),
        ]
    )


def _advisor(context) -> Work:
    from django.conf import settings

    from cnfs.training.models import OnboardingChecklist, Training

    structure = context.current.structure if context.current else None
    facts = [("Votre structure d'accueil", str(structure))] if structure else []
    training = (
        Training.objects.visible_to(context).live().select_related("provider").order_by("-created_at").first()
    )
    if training is not None:
        facts.append(("Votre formation", training.get_status_display().lower()))
        if training.provider:
            facts.append(("Votre organisme de formation", str(training.provider)))
    checklist = (
        OnboardingChecklist.objects.filter(match__candidate__user=context.user).order_by("-pk").first()
    )
    return Work(
        facts=facts,
        steps=[
            "Votre structure vous accueille : convenez avec elle de votre date de prise de poste et de vos lieux "
            "d'accueil du public.",
            "L'organisme de formation vous contacte pour le test de positionnement et votre parcours de formation "
            "(certification « Conseiller numérique »).",
            "Ensuite, vous saisirez ici vos comptes rendus d'activité et vos lieux d'activité, visibles sur la carte "
            "publique.",
        ],
        onboarding=[(label, bool(day)) for _, label, day in checklist.items()] if checklist else [],
        community=list(settings.CNFS_COMMUNITY_LINKS),
    )


def _training_provider(context) -> Work:
    from cnfs.training.models import (
        FACE_TO_FACE_MINIMUM,
        SessionStatus,
        Training,
        TrainingSession,
        TrainingStatus,
    )

    today = timezone.localdate()
    trainings = Training.objects.visible_to(context).aggregate(
        to_position=Count("pk", filter=Q(status=TrainingStatus.TO_POSITION)),
        positioned=Count("pk", filter=Q(status=TrainingStatus.POSITIONED)),
    )
    sessions = (
        TrainingSession.objects.visible_to(context)
        .filter(status=SessionStatus.PLANNED, start_date__gte=today)
        .aggregate(
            to_confirm=Count("pk", filter=Q(cutoff_date__lte=today)),
            below=Count("pk", filter=Q(registered_count__lt=FACE_TO_FACE_MINIMUM)),
        )
    )
    return Work(
        items=[
            WorkItem(
                trainings["to_position"],
                "conseiller à positionner",
                "conseillers à positionner",
                "Aucun conseiller à positionner.",
                _url("training:provider_advisors", etat=TrainingStatus.TO_POSITION),
            ),
            WorkItem(
                trainings["positioned"],
                "conseiller positionné à inscrire à une session",
                "conseillers positionnés à inscrire à une session",
                "Aucun conseiller en attente de session.",
                _url("training:provider_advisors", etat=TrainingStatus.POSITIONED),
            ),
            WorkItem(
                sessions["to_confirm"],
                "session à confirmer (date de confirmation atteinte)",
                "sessions à confirmer (date de confirmation atteinte)",
                "Aucune session à confirmer.",
                _url("training:sessions"),
            ),
            WorkItem(
                sessions["below"],
                f"session prévue sous le seuil de {FACE_TO_FACE_MINIMUM} inscrits",
                f"sessions prévues sous le seuil de {FACE_TO_FACE_MINIMUM} inscrits",
                f"Aucune session prévue sous le seuil de {FACE_TO_FACE_MINIMUM}.",
                _url("training:sessions"),
            ),
        ]
    )


def _candidate(context) -> Work:
    from cnfs.candidates.models import Candidate
    from cnfs.recruitment.models import MatchStatus

    interested = [MatchStatus.SHORTLISTED, MatchStatus.HIRE_REQUESTED, MatchStatus.HIRED]
    candidate = (
        Candidate.objects.filter(user=context.user, erased_at__isnull=True)
        .select_related("pix")
        .annotate(interested=Count("matches", filter=Q(matches__status__in=interested)))
        .first()
    )
    if candidate is None:
        return Work()
    pix = getattr(candidate, "pix", None)  # select_related: no query, None when there is no result
    completeness = [
        ("Adresse électronique confirmée", candidate.is_confirmed),
        ("Motivation rédigée", bool(candidate.motivation.strip())),
        ("CV déposé", candidate.has_cv),
        ("Résultats Pix partagés avec les structures", bool(pix and candidate.pix_shared)),
    ]
    return Work(
        items=[
            WorkItem(
                candidate.interested,
                "structure s'intéresse à votre candidature",
                "structures s'intéressent à votre candidature",
                "Aucune structure ne vous a encore présélectionné.",
                _url("candidates:structures"),
            )
        ],
        candidate=candidate,
        completeness=completeness,
    )


BUILDERS = {
    Role.PREFECTURE: _prefecture,
    Role.ANCT: _anct,
    Role.STRUCTURE: _structure,
    Role.BDT: _bdt,
    Role.ADVISOR: _advisor,
    Role.CANDIDATE: _candidate,
    Role.TRAINING_PROVIDER: _training_provider,
}


def work_for(context) -> Work | None:
    builder = BUILDERS.get(context.role)
    return builder(context) if builder else None
