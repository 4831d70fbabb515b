"""The role context of a stored role assignment: what an export runs under once the request is gone.

`RoleContext` (cnfs/accounts/context.py) works out the current role from the request's session; an export task has
no request, only the role assignment it was requested under. `AssignmentContext` answers the same questions
(`role`, `current`, `structure`, `departement_codes`) for that one assignment, so the same `visible_to(...)`
querysets scope the rows exactly as the pages do."""

from cnfs.accounts.context import RoleContext
from cnfs.accounts.models import RoleAssignment


class AssignmentContext(RoleContext):
    def __init__(self, assignment: RoleAssignment):
        self.request = None
        self.user = assignment.user
        # RoleContext's cached properties, fixed to this assignment (no session to choose from).
        self.__dict__["assignments"] = [assignment]
        self.__dict__["current"] = assignment

    def switch_to(self, assignment_id: int):
        raise NotImplementedError("an export's role assignment is fixed")

    @classmethod
    def of(cls, assignment_id: int) -> "AssignmentContext | None":
        assignment = (
            RoleAssignment.objects.with_scope().select_related("user").filter(pk=assignment_id).first()
        )
        return cls(assignment) if assignment else None


def scope_key(assignment: RoleAssignment) -> str:
    """The dedupe scope of an export: the role and its territory or structure ("anct:", "prefecture:departement:03")."""
    return f"{assignment.role}:{assignment.scope_id}"
