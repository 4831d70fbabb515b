"""Taking up the post (SPEC §10): the structure's checklist per hire, its welcome booklet, the completion rates.

    checklist_for(match)                       # created once, on first use
    save_checklist(checklist, values, by=user) # dates of the items done; `completed_on` when the last one is
    completion_by_departement(departements)    # (département, advisors under contract, checklists completed)

The outfit size is read from the hire's grant file (never copied); the vehicle item is needed when the structure's
application said the post is itinerant (read once, when the checklist is created)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from cnfs.concertation.models import ApplicationStatus, StructureApplication
from cnfs.funding.models import Contract, ContractStatus, GrantFile
from cnfs.journal.services import record

from .models import OnboardingChecklist

DATE_FIELDS = tuple(OnboardingChecklist.ITEM_FIELDS.values())


def application_of(structure) -> StructureApplication | None:
    """The application that activated the structure (its places, its itinerant answer)."""
    return (
        StructureApplication.objects.filter(structure=structure, status=ApplicationStatus.ACTIVATED)
        .order_by("-submitted_at", "-pk")
        .first()
    )


def outfit_size(match) -> str:
    grant_file = GrantFile.objects.live().filter(match=match).only("outfit_size").first()
    return grant_file.get_outfit_size_display() if grant_file and grant_file.outfit_size else ""


def checklist_for(match) -> OnboardingChecklist:
    checklist = OnboardingChecklist.objects.filter(match=match).first()
    if checklist is not None:
        return checklist
    application = application_of(match.structure)
    try:
        with transaction.atomic():
            return OnboardingChecklist.objects.create(
                match=match,
                structure_id=match.structure_id,
                vehicle_needed=bool(application and application.itinerant),
            )
    except IntegrityError:
        return OnboardingChecklist.objects.get(match=match)


def checklist_errors(checklist, values: dict) -> dict[str, str]:
    errors = {}
    today = timezone.localdate()
    for field in DATE_FIELDS:
        day = values.get(field)
        if day is not None and day > today:
            errors[field] = "Cette date ne peut pas être dans le futur : cochez l'élément une fois fait."
    ordered, handed = values.get("outfit_ordered_on"), values.get("outfit_handed_over_on")
    if handed and not ordered:
        errors["outfit_handed_over_on"] = "Indiquez d'abord la date de commande de la tenue."
    elif handed and ordered and handed < ordered:
        errors["outfit_handed_over_on"] = (
            "La tenue est remise après avoir été commandée : vérifiez les dates."
        )
    if values.get("vehicle_on") and not checklist.vehicle_needed:
        errors["vehicle_on"] = "Le poste n'est pas itinérant : pas de véhicule à prévoir."
    return errors


def save_checklist(checklist: OnboardingChecklist, values: dict, *, by) -> list[str]:
    """Writes the dates given (None: not done); the journal keeps the names of the fields changed."""
    with transaction.atomic():
        checklist = OnboardingChecklist.objects.select_for_update().get(pk=checklist.pk)
        errors = checklist_errors(checklist, values)
        if errors:
            raise ValidationError(errors)
        changed = [
            field for field in DATE_FIELDS if field in values and getattr(checklist, field) != values[field]
        ]
        for field in changed:
            setattr(checklist, field, values[field])
        done = all(
            getattr(checklist, OnboardingChecklist.ITEM_FIELDS[item]) for item in checklist.needed_items()
        )
        completed_on = (
            checklist.completed_on
            if done and checklist.completed_on
            else (timezone.localdate() if done else None)
        )
        if completed_on != checklist.completed_on:
            checklist.completed_on = completed_on
            changed.append("completed_on")
        if changed:
            checklist.updated_at = timezone.now()
            checklist.save(update_fields=[*changed, "updated_at"])
            record(
                "onboarding.updated",
                checklist,
                by=by,
                after={
                    "match": checklist.match_id,
                    "fields": changed,
                    "completed": checklist.completed_on is not None,
                },
            )
    return changed


def completion_by_departement(departement_codes=None) -> list[dict]:
    """Per département: advisors under an active contract, and how many of their checklists are completed."""
    contracts = Contract.objects.filter(status=ContractStatus.ACTIVE)
    if departement_codes is not None:
        contracts = contracts.filter(structure__departement_id__in=departement_codes)
    rows = (
        contracts.values("structure__departement_id", "structure__departement__name")
        .annotate(
            advisors=Count("pk"),
            completed=Count("pk", filter=Q(match__onboarding__completed_on__isnull=False)),
        )
        .order_by("structure__departement_id")
    )
    return [
        {
            "code": row["structure__departement_id"],
            "name": row["structure__departement__name"],
            "advisors": row["advisors"],
            "completed": row["completed"],
            "rate": round(100 * row["completed"] / row["advisors"]) if row["advisors"] else 0,
        }
        for row in rows
    ]
