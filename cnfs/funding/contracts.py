"""The advisor's contract (SPEC §7): recorded by the structure once the hire is complete (its grant file conform).

The rules are one function, `contract_errors`, that the form shows next to each field and the service checks again
under its row locks. Recording writes the contract, its three tranches (services.schedule_tranches, the only place
tranches are computed), the journal and the email to the structure, in one transaction."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cnfs.core.text import euros
from cnfs.core.workflow import TransitionError
from cnfs.journal.services import record
from cnfs.recruitment.models import Match, MatchStatus
from cnfs.structures.models import JobPosting, Post, Structure, StructureType

from . import notify, rules
from .models import Contract, ContractStatus, ContractType, GrantFile
from .services import schedule_tranches

ALREADY_RECORDED = (
    "Un contrat est déjà enregistré pour ce recrutement : il n'a pas été enregistré une seconde fois."
)


def default_type(structure) -> str:
    """Contrat de projet for a public structure, CDD otherwise."""
    return ContractType.PROJECT if structure.type in StructureType.public_types() else ContractType.CDD


def job_posting_for(match) -> JobPosting | None:
    """The job posting the 30-day rule counts from: the grant file's, else the structure's current one."""
    grant_file = GrantFile.objects.live().filter(match=match).select_related("job_posting").first()
    if grant_file is not None and grant_file.job_posting is not None:
        return grant_file.job_posting
    return JobPosting.objects.filter(structure_id=match.structure_id).first()


def awaiting_contract(structure):
    """The structure's completed hires that have no active contract yet."""
    return (
        Match.objects.filter(structure=structure, status=MatchStatus.HIRED)
        .exclude(contracts__status=ContractStatus.ACTIVE)
        .select_related("candidate__user", "post")
        .order_by("status_changed_at", "pk")
    )


def contract_errors(match, post, values: dict, *, today=None) -> dict[str, str]:
    """{field: French message} for every rule the values break (empty when the contract may be recorded)."""
    today = today or timezone.localdate()
    errors = {}
    kind, start, end = values.get("type"), values.get("start_date"), values.get("end_date")
    signed_on, salary, hours = (
        values.get("signed_on"),
        values.get("gross_monthly_salary"),
        values.get("weekly_hours"),
    )
    if kind == ContractType.CDI and end is not None:
        errors["end_date"] = "Un CDI n'a pas de date de fin : laissez ce champ vide."
    elif kind and kind != ContractType.CDI and end is None:
        errors["end_date"] = "Indiquez la date de fin du contrat : elle est obligatoire sauf pour un CDI."
    elif start and end and end <= start:
        errors["end_date"] = f"La date de fin doit être postérieure à la date de début ({start:%d/%m/%Y})."
    if hours is not None and Decimal(hours) != rules.full_time_hours():
        errors["weekly_hours"] = (
            f"Le poste de conseiller numérique est à temps plein : {rules.full_time_hours():g} heures par semaine."
        )
    if signed_on is not None:
        if signed_on > today:
            errors["signed_on"] = (
                "La date de signature ne peut pas être dans le futur : enregistrez le contrat signé."
            )
        elif signed_on > post.deadline:
            errors["signed_on"] = (
                f"Le contrat est signé après la date limite de recrutement du poste ({post.deadline:%d/%m/%Y}). "
                "Seule l'ANCT peut prolonger ce délai, avec un motif : contactez-la avant d'enregistrer le contrat."
            )
        else:
            posting = job_posting_for(match)
            if posting is None:
                errors["signed_on"] = (
                    "Votre offre d'emploi n'est pas enregistrée : un contrat se signe au plus tôt 30 jours après "
                    "sa publication."
                )
            elif signed_on < posting.contract_signable_from:
                errors["signed_on"] = (
                    f"Le contrat ne peut pas être signé avant le {posting.contract_signable_from:%d/%m/%Y} : "
                    f"30 jours après la publication de l'offre d'emploi (le {posting.published_on:%d/%m/%Y})."
                )
        if start is not None and start < signed_on:
            errors.setdefault("start_date", "Le contrat commence au plus tôt le jour de sa signature.")
        if salary is not None:
            try:
                minimum = rules.minimum_wage(signed_on, match.structure.departement_id)
            except ValueError:
                minimum = None
            if minimum is not None and salary < minimum.monthly_gross:
                errors["gross_monthly_salary"] = (
                    f"Le salaire mensuel brut doit être au moins égal au SMIC en vigueur le {signed_on:%d/%m/%Y} : "
                    f"{euros(minimum.monthly_gross)} € pour 35 heures ({minimum.source})."
                )
    return errors


def _journal_values(contract, tranches) -> dict:
    return {
        "contract": contract.pk,
        "match": contract.match_id,
        "post": contract.post_id,
        "type": contract.type,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "signed_on": contract.signed_on,
        "weekly_hours": contract.weekly_hours,
        "gross_monthly_salary": contract.gross_monthly_salary,
        "missions": list(contract.missions),
        "tranches": [[t.number, t.amount, t.due_on] for t in tranches],
    }


def record_contract(match, *, by, **values) -> Contract:
    """Records the contract of a completed hire and schedules its tranches. Raises ValidationError({field: message})
    when a rule is broken, TransitionError when the hire cannot take a contract (not hired, already recorded)."""
    try:
        with transaction.atomic():
            Structure.objects.select_for_update().get(pk=match.structure_id)
            match = Match.objects.select_for_update().select_related("structure").get(pk=match.pk)
            if match.status != MatchStatus.HIRED or match.post_id is None:
                raise TransitionError(
                    "Ce recrutement n'est pas finalisé : le contrat s'enregistre une fois le dossier de subvention "
                    "déclaré conforme."
                )
            post = Post.objects.select_for_update().get(pk=match.post_id)
            if Contract.objects.filter(match=match, status=ContractStatus.ACTIVE).exists():
                raise TransitionError(ALREADY_RECORDED)
            errors = contract_errors(match, post, values)
            if errors:
                raise ValidationError(errors)
            contract = Contract.objects.create(
                structure=match.structure,
                post=post,
                match=match,
                type=values["type"],
                start_date=values["start_date"],
                end_date=values.get("end_date"),
                weekly_hours=values.get("weekly_hours") or rules.full_time_hours(),
                gross_monthly_salary=values["gross_monthly_salary"],
                missions=list(values.get("missions") or []),
                signed_on=values["signed_on"],
                recorded_by=by,
            )
            tranches = schedule_tranches(contract, by=by)
            record(
                "contract.recorded",
                contract,
                by=by,
                before={"contract": None},
                after=_journal_values(contract, tranches),
            )
            notify.contract_recorded(contract)
    except IntegrityError as error:  # a double submit that passed the lock (the unique constraints hold)
        raise TransitionError(ALREADY_RECORDED) from error
    return contract
