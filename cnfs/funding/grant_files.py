"""The grant file ("dossier de subvention", SPEC §7) as a workflow on the common engine, and the services that move
it: opened and cancelled by the hire request (receivers.py), completed and transmitted by the structure, decided by
the Banque des Territoires (a conform decision completes the hire).

    open_file(match, by=user)              # DRAFT, on "Valider cette candidature"
    upload_document(file, kind, upload, content_kind, by=user)
    transmit(file, by=user)                # TRANSMITTED, review deadline = today + CNFS_CONFORMITY_REVIEW_DAYS
    decide(file, by=agent, conform=False, reasons=[...], comment="")
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.accounts.roles import Role
from cnfs.candidates.models import Candidate
from cnfs.core import uploads
from cnfs.core.workflow import INITIAL, SYSTEM, Transition, TransitionError, TransitionForbidden, Workflow
from cnfs.journal.services import record
from cnfs.recruitment import workflow as recruitment
from cnfs.recruitment.models import Match
from cnfs.structures.models import JobPosting, Structure

from . import notify
from .models import (
    ConformityDecision,
    DocumentKind,
    FileStatus,
    GrantFile,
    GrantFileDocument,
    GrantFileTransition,
    NonConformityReason,
)
from .signals import grant_file_transmitted

__all__ = ["TransitionError", "TransitionForbidden"]

S = FileStatus
DIRECTORY = "grant_files"
ALREADY_DECIDED = "Ce dossier vient d'être instruit par un autre agent."
ACCEPTED_KINDS = (uploads.PDF, uploads.JPEG, uploads.PNG)


def max_bytes() -> int:
    return settings.CNFS_GRANT_FILE_MAX_BYTES


def review_days() -> int:
    return settings.CNFS_CONFORMITY_REVIEW_DAYS


# --- what the file still needs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    label: str
    done: bool


def pieces(grant_file: GrantFile, documents=None) -> list[Piece]:
    """Every piece of the file and whether it is there (documents: the file's documents, to spare a query)."""
    if documents is None:
        documents = list(grant_file.documents.all())
    kinds = {document.kind for document in documents}
    f = grant_file
    return [
        Piece(DocumentKind.SIRENE.label, DocumentKind.SIRENE in kinds),
        Piece(DocumentKind.DELIBERATION.label, DocumentKind.DELIBERATION in kinds),
        Piece(
            "Nom, prénom et date de naissance du président ou de la présidente",
            bool(f.president_first_name and f.president_last_name and f.president_birth_date),
        ),
        Piece(
            "Nom, prénom et date de naissance du directeur général des services (DGS)",
            bool(f.dgs_first_name and f.dgs_last_name and f.dgs_birth_date),
        ),
        Piece("Taille de tenue du conseiller", bool(f.outfit_size)),
        Piece("Offre d'emploi publiée (rattachée depuis « Offre d'emploi »)", f.job_posting_id is not None),
    ]


def missing(grant_file: GrantFile, documents=None) -> list[str]:
    return [piece.label for piece in pieces(grant_file, documents) if not piece.done]


def is_complete(grant_file: GrantFile) -> bool:
    return not missing(grant_file)


# --- guards ----------------------------------------------------------------------------------------------------------


def complete(grant_file, attempt):
    still = missing(grant_file)
    if still:
        return "Le dossier est incomplet. Il manque : " + " ; ".join(label.lower() for label in still) + "."
    return None


def reasons_given(grant_file, attempt):
    reasons = attempt["reasons"] or []
    if not reasons:
        return "Cochez au moins un motif de non-conformité."
    if not set(reasons) <= set(NonConformityReason.values):
        return "Choisissez les motifs dans la liste."
    if NonConformityReason.OTHER in reasons and not (attempt["comment"] or "").strip():
        return "Précisez le motif « autre » dans le commentaire."
    return None


def _refused(grant_file, transition):
    if transition.name.startswith("decide") and grant_file.status in (S.CONFORM, S.NOT_CONFORM):
        return ALREADY_DECIDED
    return f"Action impossible : ce dossier est « {grant_file.get_status_display().lower()} »."


WORKFLOW = Workflow(
    [
        Transition("open", {INITIAL}, S.DRAFT, "Ouvrir le dossier", roles={SYSTEM}),
        Transition(
            "transmit",
            {S.DRAFT, S.NOT_CONFORM},
            S.TRANSMITTED,
            "Transmettre le dossier",
            roles={Role.STRUCTURE},
            guards=(complete,),
        ),
        Transition("decide_conform", {S.TRANSMITTED}, S.CONFORM, "Dossier conforme", roles={Role.BDT}),
        Transition(
            "decide_not_conform",
            {S.TRANSMITTED},
            S.NOT_CONFORM,
            "Dossier non conforme",
            roles={Role.BDT},
            guards=(reasons_given,),
        ),
        Transition(
            "cancel",
            {S.DRAFT, S.TRANSMITTED, S.NOT_CONFORM},
            S.CANCELLED,
            "Annuler le dossier (demande de recrutement arrêtée)",
            roles={SYSTEM},
        ),
    ],
    refused=_refused,
    journal_prefix="grant_file",
    log_model=GrantFileTransition,
    log_field="grant_file",
    changed_at_field="status_changed_at",
)


# --- opening and cancelling (reactions to the hire request) ----------------------------------------------------------


def open_file(match, *, by=None) -> GrantFile:
    """The file of a new hire request, in DRAFT, on the held post, with the structure's current job posting."""
    posting = JobPosting.objects.filter(structure=match.structure_id).first()
    grant_file = GrantFile(
        structure_id=match.structure_id, match=match, post_id=match.post_id, job_posting=posting
    )
    return WORKFLOW.create(
        grant_file,
        "open",
        by=by,
        role=SYSTEM,
        details={"match": match.pk, "post": match.post_id, "job_posting": posting.pk if posting else None},
    )


def cancel_live_file(match, *, by=None) -> GrantFile | None:
    """The hire request ended without a hire: its live file (if still open to a decision) is cancelled."""
    grant_file = GrantFile.objects.filter(match=match, status__in=WORKFLOW["cancel"].sources).first()
    if grant_file is None:
        return None
    return WORKFLOW.run(grant_file, "cancel", by=by, role=SYSTEM)


def link_job_posting(grant_file: GrantFile) -> GrantFile:
    """A file opened before the structure recorded its job posting links it once recorded (the posting is linked,
    never uploaded again)."""
    if grant_file.job_posting_id is None and grant_file.status in (S.DRAFT, S.NOT_CONFORM):
        posting = JobPosting.objects.filter(structure=grant_file.structure_id).first()
        if posting is not None:
            GrantFile.objects.filter(pk=grant_file.pk, job_posting__isnull=True).update(job_posting=posting)
            grant_file.job_posting = posting
    return grant_file


# --- the structure's side --------------------------------------------------------------------------------------------


def _lock_editable(grant_file: GrantFile) -> GrantFile:
    grant_file = WORKFLOW.lock(grant_file)
    if grant_file.status not in (S.DRAFT, S.NOT_CONFORM):
        raise TransitionError(
            f"Ce dossier ne peut plus être modifié : il est « {grant_file.get_status_display().lower()} »."
        )
    return grant_file


IDENTITY_FIELDS = (
    "president_first_name",
    "president_last_name",
    "president_birth_date",
    "dgs_first_name",
    "dgs_last_name",
    "dgs_birth_date",
    "outfit_size",
)


def save_identities(grant_file: GrantFile, values: dict, *, by) -> list[str]:
    """The president's and DGS's identities and the outfit size; the journal keeps the names of the fields changed
    (never the values: personal data)."""
    with transaction.atomic():
        grant_file = _lock_editable(grant_file)
        changed = [name for name in IDENTITY_FIELDS if getattr(grant_file, name) != values.get(name)]
        for name in changed:
            setattr(grant_file, name, values.get(name))
        if changed:
            grant_file.save(update_fields=changed)
            record("grant_file.identities_saved", grant_file, by=by, after={"fields": changed})
    return changed


def upload_document(grant_file: GrantFile, kind: str, upload, file_kind: uploads.FileKind, *, by):
    """Stores a validated upload under a random name and records it; a previous document of the same kind is
    replaced (its file deleted once the transaction commits). If anything fails, the new file is removed."""
    stored = uploads.store(upload, DIRECTORY, file_kind.extension)
    try:
        with transaction.atomic():
            grant_file = _lock_editable(grant_file)
            previous = GrantFileDocument.objects.filter(grant_file=grant_file, kind=kind).first()
            values = {
                "stored_name": stored,
                "original_name": uploads.clean_name(upload.name),
                "content_type": file_kind.content_type,
                "size": upload.size,
                "uploaded_by": by,
                "uploaded_at": timezone.now(),
            }
            if previous is None:
                document = GrantFileDocument.objects.create(grant_file=grant_file, kind=kind, **values)
            else:
                old_name = previous.stored_name
                for name, value in values.items():
                    setattr(previous, name, value)
                previous.save()
                document = previous
                transaction.on_commit(lambda: uploads.delete(DIRECTORY, old_name))
            record(
                "grant_file.document_uploaded",
                grant_file,
                by=by,
                after={
                    "kind": kind,
                    "content_type": file_kind.content_type,
                    "size": upload.size,
                    "replaced": previous is not None,
                },
            )
    except BaseException:
        uploads.delete(DIRECTORY, stored)
        raise
    return document


def document_path(document: GrantFileDocument):
    return uploads.path_of(DIRECTORY, document.stored_name)


def transmit(grant_file: GrantFile, *, by, role=None) -> GrantFile:
    """ "Transmettre le dossier": only when complete; a new transmission (the first, or after a non-conform
    decision) starts the review clock again."""

    def start_clock(grant_file, attempt):
        today = timezone.localdate()
        grant_file.submission += 1
        grant_file.transmitted_at = timezone.now()
        grant_file.review_deadline = today + timedelta(days=review_days())
        return {
            "submission": grant_file.submission,
            "review_deadline": grant_file.review_deadline.isoformat(),
        }

    with transaction.atomic():
        link_job_posting(grant_file)
        grant_file = WORKFLOW.run(
            grant_file,
            "transmit",
            by=by,
            role=role,
            effect=start_clock,
            fields=("submission", "transmitted_at", "review_deadline"),
        )
        notify.file_transmitted(grant_file)
        grant_file_transmitted.send(sender=GrantFile, grant_file=grant_file, by=by)
    return grant_file


# --- the Banque des Territoires' decision ----------------------------------------------------------------------------


def _lock_for_decision(grant_file: GrantFile) -> GrantFile:
    """The structure and the candidate first, in the order every hire step locks them (see
    recruitment.workflow._lock_all), then the file: a request stopped or a candidate withdrawn at the same moment
    (which cancel the file after locking those rows) waits for the decision, or the decision for them."""
    Structure.objects.select_for_update().get(pk=grant_file.structure_id)
    candidate_id = Match.objects.filter(pk=grant_file.match_id).values_list("candidate_id", flat=True).get()
    Candidate.objects.select_for_update().get(pk=candidate_id)
    return WORKFLOW.lock(grant_file)


def decide(
    grant_file: GrantFile, *, by, conform: bool, reasons=(), comment: str = "", role=None
) -> GrantFile:
    """One decision per transmission (a database rule, and the file row locked): conform completes the hire in the
    same transaction (match hired, post occupied, advisor, other matches closed); not conform sends the file back
    to the structure with the reasons. Two agents deciding at once: the second is told the file was just decided."""
    reasons = [str(reason) for reason in reasons]
    name = "decide_conform" if conform else "decide_not_conform"

    def write_decision(grant_file, attempt):
        ConformityDecision.objects.create(
            grant_file=grant_file,
            submission=grant_file.submission,
            conform=conform,
            reasons=[] if conform else reasons,
            comment=comment.strip(),
            by=by,
        )
        grant_file.decided_at = timezone.now()
        if conform:
            recruitment.hire(grant_file.match, by=by, role=SYSTEM)
        return {"submission": grant_file.submission, "reasons": [] if conform else reasons}

    try:
        with transaction.atomic():
            grant_file = WORKFLOW.run(
                grant_file,
                name,
                by=by,
                role=role,
                lock=_lock_for_decision,
                effect=write_decision,
                fields=("decided_at",),
                reasons=reasons,
                comment=comment,
            )
            notify.conformity_decided(grant_file, conform=conform, reasons=reasons)
    except IntegrityError as error:
        raise TransitionError(ALREADY_DECIDED) from error
    return grant_file


def days_left(grant_file: GrantFile, today=None) -> int | None:
    if grant_file.review_deadline is None:
        return None
    return (grant_file.review_deadline - (today or timezone.localdate())).days
