"""Who is making this request, in which role, for which structure or territory — worked out once per request."""

from functools import cached_property

from django.db.models import prefetch_related_objects

from cnfs.core.compiled import CompiledQuery

from .models import SCOPE_FIELDS, RoleAssignment
from .roles import Role

SESSION_KEY = "cnfs_role_assignment_id"
# Every request reads them: compiled once (cnfs/core/compiled.py). The scope objects (structure, territory…) load
# when a page uses them (`assignments_with_scope`).
_ASSIGNMENTS = CompiledQuery(RoleAssignment, lambda user_id: RoleAssignment.objects.filter(user_id=user_id))
ROLE_ORDER = {role.value: index for index, role in enumerate(Role)}


class RoleContext:
    def __init__(self, request):
        self.request = request
        self.user = request.user

    @cached_property
    def assignments(self) -> list[RoleAssignment]:
        if not self.user.is_authenticated:
            return []
        assignments = _ASSIGNMENTS(self.user.pk)
        # The default role is the most "senior" one, in the order of the Role enum (a coordinator who is also an
        # advisor lands as coordinator; a hired candidate lands as advisor).
        return sorted(assignments, key=lambda a: (ROLE_ORDER[a.role], a.pk))

    @cached_property
    def assignments_with_scope(self) -> list[RoleAssignment]:
        """The same assignments with their structure or territory loaded, for the pages that name them (the role
        menu, the profile): one query per kind of scope they hold."""
        prefetch_related_objects(self.assignments, *SCOPE_FIELDS)
        return self.assignments

    @cached_property
    def current(self) -> RoleAssignment | None:
        assignments = self.assignments
        if not assignments:
            return None
        wanted = self.request.session.get(SESSION_KEY)
        for assignment in assignments:
            if assignment.pk == wanted:
                return assignment
        return assignments[0]

    @property
    def role(self) -> Role | None:
        return Role(self.current.role) if self.current else None

    @property
    def has_several_roles(self) -> bool:
        return len(self.assignments) > 1

    @property
    def structure(self):
        return self.current.structure if self.current else None

    @property
    def is_structure_admin(self) -> bool:
        return bool(self.current and self.current.role == Role.STRUCTURE and self.current.is_admin)

    @cached_property
    def departement_codes(self) -> frozenset[str] | None:
        """The départements this role covers; None means the whole country (anct, bdt)."""
        current = self.current
        if current is None:
            return frozenset()
        if current.role in (Role.ANCT, Role.BDT):
            return None
        if current.role == Role.PREFECTURE:
            if current.departement_id:
                return frozenset({current.departement_id})
            return frozenset(current.region.departements.values_list("code", flat=True))
        if current.role == Role.HUB:
            return frozenset(current.hub.departements.values_list("code", flat=True))
        if current.structure_id:
            return frozenset({current.structure.departement_id})
        return frozenset()

    def switch_to(self, assignment_id: int) -> RoleAssignment | None:
        for assignment in self.assignments:
            if assignment.pk == assignment_id:
                self.request.session[SESSION_KEY] = assignment.pk
                self.__dict__["current"] = assignment
                self.__dict__.pop("departement_codes", None)
                return assignment
        return None
