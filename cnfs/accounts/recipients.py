"""Who receives the emails meant for a préfecture, for ANCT, for a structure: one definition each, used by every
app that notifies them (concertation, post changes, recruitment).

    from cnfs.accounts.recipients import anct_recipients, prefecture_recipients
    for email in prefecture_recipients(structure.departement): ...
"""

from django.conf import settings
from django.db.models import Q

from .models import RoleAssignment, User
from .roles import Role


def prefecture_assignments(departements):
    """Active préfecture agents covering any of these départements: scoped to the département or to its région."""
    departements = list(departements)
    return RoleAssignment.objects.filter(role=Role.PREFECTURE, user__is_active=True).filter(
        Q(departement_id__in=[d.pk for d in departements])
        | Q(region_id__in={d.region_id for d in departements})
    )


def prefecture_recipients(departement) -> list[str]:
    """The agents of the préfecture of this département (and those of its région)."""
    if departement is None:
        return []
    return sorted(set(prefecture_assignments([departement]).values_list("user__email", flat=True)))


def anct_recipients() -> list[str]:
    """ANCT's programme mailbox (settings.CNFS_ANCT_MAILBOX); without one, every active ANCT agent."""
    mailbox = settings.CNFS_ANCT_MAILBOX
    if mailbox:
        return [mailbox]
    return sorted(
        set(
            RoleAssignment.objects.filter(role=Role.ANCT, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )


def bdt_recipients() -> list[str]:
    """Every active agent of the Banque des Territoires (the conformity review of grant files)."""
    return sorted(
        set(
            RoleAssignment.objects.filter(role=Role.BDT, user__is_active=True).values_list(
                "user__email", flat=True
            )
        )
    )


def structure_users(structure, *, admins_only=False):
    """Active members of a structure (its admins only, if asked)."""
    scope = {"role_assignments__role": Role.STRUCTURE, "role_assignments__structure": structure}
    if admins_only:
        scope["role_assignments__is_admin"] = True
    return User.objects.filter(is_active=True, **scope).distinct().order_by("email")


def structure_recipients(structure, *, admins_only=False) -> list[str]:
    if structure is None:
        return []
    return list(structure_users(structure, admins_only=admins_only).values_list("email", flat=True))
