"""Whose figures a dashboard shows: the reader's scope, from their role (SPEC §13).

ANCT and the Banque des Territoires the whole country, a préfecture its département or région, a hub its
départements, a structure its advisors, a coordinator its team. A territory filter narrows a national or regional
scope to a région or a département inside it; a territory outside it is not found (404)."""

from dataclasses import dataclass

from django.http import Http404

from cnfs.accounts.roles import Role
from cnfs.recruitment.models import Advisor
from cnfs.teams.models import TeamMembership
from cnfs.territories.models import Departement, Region

# The sections each role's dashboard shows, in the page's order.
SECTIONS = {
    Role.ANCT: ("recruitment", "funding", "training", "activity", "map"),
    Role.PREFECTURE: ("recruitment", "funding", "training", "activity", "map"),
    Role.HUB: ("recruitment", "training", "activity", "map"),
    Role.STRUCTURE: ("funding", "training", "activity"),
    Role.COORDINATOR: ("training", "activity"),
    Role.BDT: ("funding", "map"),
}
DASHBOARD_ROLES = tuple(SECTIONS)


def coordinator_team(role_context) -> list[int]:
    """The ids of the advisors of the coordinator's team: its current members (cnfs.teams), as the activity
    pages see them (`ActivityReport.objects.visible_to`), not the coordinator's own."""
    return list(TeamMembership.objects.visible_to(role_context).active().values_list("advisor_id", flat=True))


@dataclass(frozen=True)
class Scope:
    """The axes `cnfs.statistics` functions take: départements, structures, advisors (None: no limit)."""

    role: Role
    label: str
    departements: frozenset | None = None
    structures: tuple | None = None
    advisors: tuple | None = None
    # The narrowest territory chosen with the filter ("" none), for the page and its exports.
    territory: str = ""

    @property
    def sections(self) -> tuple:
        return SECTIONS[self.role]

    @property
    def by_territory(self) -> bool:
        """A scope of départements (the funnel, the maps and the per-département tables make sense)."""
        return self.structures is None and self.advisors is None

    def activity_axes(self) -> dict:
        return {"departements": self.departements, "structures": self.structures, "advisors": self.advisors}


def role_scope(role_context) -> Scope:
    role = role_context.role
    if role in (Role.ANCT, Role.BDT):
        return Scope(role, "France entière")
    if role in (Role.PREFECTURE, Role.HUB):
        current = role_context.current
        if role == Role.HUB:
            label = current.hub.name
        elif current.departement_id:
            label = f"{current.departement.name} ({current.departement_id})"
        else:
            label = current.region.name
        return Scope(role, label, departements=frozenset(role_context.departement_codes))
    if role == Role.STRUCTURE:
        structure = role_context.structure
        return Scope(role, str(structure), structures=(structure.pk,))
    if role == Role.COORDINATOR:
        team = tuple(coordinator_team(role_context))
        return Scope(role, "Mon équipe de conseillers", advisors=team)
    raise ValueError(f"no dashboard for {role}")


def narrowed(scope: Scope, *, region: str = "", departement: str = "") -> Scope:
    """The scope narrowed to a région or a département (the département wins when both are given); one outside the
    scope, or unknown, raises Http404."""
    if not (region or departement) or not scope.by_territory:
        return scope
    if departement:
        place = Departement.objects.filter(code=departement).values_list("code", "name").first()
        codes = frozenset({departement}) if place else frozenset()
        label = f"{place[1]} ({place[0]})" if place else ""
    else:
        place = Region.objects.filter(code=region).values_list("name", flat=True).first()
        codes = frozenset(Departement.objects.filter(region_id=region).values_list("code", flat=True))
        label = place or ""
    if not codes or (scope.departements is not None and not codes <= scope.departements):
        raise Http404("Ce territoire n'est pas dans votre périmètre.")
    return Scope(scope.role, label, departements=codes, territory=departement or region)


def advisor_matches(advisors):
    """The hires (matches) of these advisors, for the training figures of a team (a subquery)."""
    return Advisor.objects.filter(pk__in=list(advisors)).values("match_id")
