"""The one workflow engine: a transition table as data — who may take each transition and on which guards — and one
entry point that takes it.

An app declares its table once::

    WORKFLOW = Workflow(
        [
            Transition("give_opinion", {S.SUBMITTED}, S.OPINION_GIVEN, "Avis du préfet",
                       roles={Role.PREFECTURE}, guards=(comment_length,)),
            ...
        ],
        refused=..., journal_prefix="application", log_model=ApplicationTransition, log_field="application",
    )

and takes a transition with `WORKFLOW.run(obj, "give_opinion", by=user, effect=...)`, which, in one transaction:
locks the row, checks the status, the acting role and every guard (each guard returns `None` or the French reason it
refuses), runs the transition's own effect (rows it creates, fields it sets), sets the status, saves, writes the
transition log row and the journal entry. An illegal transition raises `TransitionError` (`TransitionForbidden` when
the role may not take it) with a French message the views show as is.

Creation steps are transitions too: `WORKFLOW.create(instance, "open", by=user)` checks role and guards, saves the
new row in the transition's target status and logs it from `INITIAL`.

Views and templates ask the table what to offer: `WORKFLOW.actions(obj, by=user, role=role)` lists the transitions
the role may take from the current status, each with `enabled` and the `reason` a guard gives when it refuses.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cnfs.journal.services import record

# Pseudo-roles for actors that are not a role assignment.
SYSTEM = "system"  # the platform itself: tasks, reactions to another workflow's event, data migrations
APPLICANT = (
    "applicant"  # an applicant without an account, who proves who they are with a private link or token
)
INITIAL = ""  # the "status" before a creation step

Guard = Callable[[object, "Attempt"], str | None]


class TransitionError(Exception):
    """The transition is not allowed from the current status, or its guard refuses it (message in French)."""


class TransitionForbidden(TransitionError):
    """The acting role may not take this transition (a view answers 403)."""


@dataclass(frozen=True)
class Transition:
    """One arrow of a workflow: from any of `sources` to `target`, taken by one of `roles` when every guard passes.

    `roles` empty means any actor (kept for tables that do not declare roles yet); `SYSTEM` and `APPLICANT` are
    roles like the others."""

    name: str
    sources: frozenset
    target: str
    label: str
    roles: frozenset = frozenset()
    guards: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "roles", frozenset(str(role) for role in self.roles))
        object.__setattr__(self, "guards", tuple(self.guards))

    def allows(self, obj) -> bool:
        return obj.status in self.sources

    def allows_role(self, role) -> bool:
        return not self.roles or (role is not None and str(role) in self.roles)


@dataclass
class Attempt:
    """What a guard sees besides the object: the transition, who acts in which role, and the call's arguments."""

    transition: Transition
    by: object
    role: str | None
    params: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.params.get(key)


@dataclass(frozen=True)
class Action:
    """A transition offered to the current user: `enabled` is False with the guard's `reason` when it refuses."""

    transition: Transition
    enabled: bool
    reason: str | None

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> str:
        return self.transition.label


def acting_role(by, role=None) -> str | None:
    """The role the actor acts in: the explicit one, else the current request's role when `by` is its user, else
    `SYSTEM` when there is no actor."""
    if role is not None:
        return str(role)
    if by is None:
        return SYSTEM
    from cnfs.journal.context import current_request

    request = current_request()
    context = getattr(request, "role_context", None) if request is not None else None
    if context is not None and getattr(request.user, "pk", None) == getattr(by, "pk", None) and context.role:
        return str(context.role)
    return None


def _user_roles(by) -> set[str]:
    if by is None or not getattr(by, "pk", None):
        return set()
    # Through the user's reverse relation: core does not import the accounts app.
    return set(by.role_assignments.values_list("role", flat=True))


class Workflow:
    """A transition table and the moves along it.

    - `refused`: the French message when a transition is not allowed, `refused(obj, transition) -> str`;
    - `journal_prefix`: the journal action is `f"{journal_prefix}.{transition.name}"`;
    - `log_model` / `log_field`: the `TransitionLog` subclass and its foreign key to the object (no log when None);
    - `save_fields`: fields always saved with the status (e.g. an `auto_now` `updated_at`);
    - `changed_at_field`: a field set to now on every move (e.g. `status_changed_at`);
    - `reason_in_journal`: the journal's `after` says that a reason was given (`has_reason`), never its text.
    """

    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        refused: Callable[[object, Transition], str],
        journal_prefix: str,
        log_model=None,
        log_field: str = "",
        save_fields: Iterable[str] = (),
        changed_at_field: str = "",
        reason_in_journal: bool = False,
    ):
        self.transitions: dict[str, Transition] = {t.name: t for t in transitions}
        self.refused = refused
        self.journal_prefix = journal_prefix
        self.log_model = log_model
        self.log_field = log_field
        self.save_fields = tuple(save_fields)
        self.changed_at_field = changed_at_field
        self.reason_in_journal = reason_in_journal

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    # --- what the table says -------------------------------------------------------------------------------------

    def allowed(self, status: str) -> list[Transition]:
        return [t for t in self.transitions.values() if status in t.sources]

    def can(self, obj, name: str) -> bool:
        return self.transitions[name].allows(obj)

    def check(self, obj, name: str) -> Transition:
        transition = self.transitions[name]
        if not transition.allows(obj):
            raise TransitionError(self.refused(obj, transition))
        return transition

    def role_for(self, transition: Transition, by, role=None) -> str | None:
        """The role `by` takes `transition` in, or raises `TransitionForbidden`."""
        role = acting_role(by, role)
        if transition.allows_role(role):
            return role
        if role is None:  # no request to tell the current role: any role the user holds that the table allows
            for held in sorted(_user_roles(by)):
                if transition.allows_role(held):
                    return held
        raise TransitionForbidden(f"Votre rôle ne permet pas l'action « {transition.label} ».")

    def refusal(self, obj, transition: Transition, attempt: Attempt) -> str | None:
        """The first guard's reason to refuse, or None."""
        for guard in transition.guards:
            reason = guard(obj, attempt)
            if reason:
                return reason
        return None

    def actions(self, obj, *, by, role=None, **params) -> list[Action]:
        """The transitions the acting role may take from the object's status, enabled or not (with the reason)."""
        role = acting_role(by, role)
        offered = []
        for transition in self.allowed(obj.status):
            if not transition.roles or role is None or not transition.allows_role(role):
                continue
            reason = self.refusal(obj, transition, Attempt(transition, by, role, params))
            offered.append(Action(transition, reason is None, reason))
        return offered

    def action_names(self, obj, *, by, role=None, **params) -> set[str]:
        """Names of the enabled actions, for templates: `{% if "accept" in actions %}`."""
        return {a.name for a in self.actions(obj, by=by, role=role, **params) if a.enabled}

    # --- taking a transition -------------------------------------------------------------------------------------

    @staticmethod
    def lock(obj):
        """Re-read the row under a lock: the status checked is the one in the database, not a stale copy."""
        obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
        return obj

    def run(
        self,
        obj,
        name: str,
        *,
        by,
        role=None,
        reason: str = "",
        details=None,
        fields=(),
        effect: Callable | None = None,
        lock: Callable | None = None,
        **params,
    ):
        """Locks `obj` (or calls `lock(obj)`, which returns the locked object, to lock other rows first), checks the
        status, the role and the guards, calls `effect(obj, attempt)` (which may set fields, listed in `fields`, and
        create rows; it may return a dict of journal details), then moves. Everything in one transaction."""
        transition = self.transitions[name]
        with transaction.atomic():
            obj = lock(obj) if lock is not None else self.lock(obj)
            self.check(obj, name)
            acting = self.role_for(transition, by, role)
            attempt = Attempt(transition, by, acting, {"reason": reason, **params})
            refusal = self.refusal(obj, transition, attempt)
            if refusal:
                raise TransitionError(refusal)
            extra = effect(obj, attempt) if effect is not None else None
            self.move(
                obj,
                transition,
                by=by,
                reason=reason,
                details={**(details or {}), **(extra or {})},
                fields=fields,
                role=acting,
            )
        return obj

    def create(self, obj, name: str, *, by, role=None, reason: str = "", details=None, **params):
        """A creation step: checks the role and guards on the unsaved `obj`, saves it in the target status, logs it
        from `INITIAL` and journals it."""
        transition = self.transitions[name]
        if INITIAL not in transition.sources:
            raise ValueError(f"{name} is not a creation step")
        with transaction.atomic():
            acting = self.role_for(transition, by, role)
            attempt = Attempt(transition, by, acting, {"reason": reason, **params})
            refusal = self.refusal(obj, transition, attempt)
            if refusal:
                raise TransitionError(refusal)
            obj.status = transition.target
            obj.save()
            if self.log_model is not None:
                self.log(
                    obj,
                    transition.name,
                    from_status=INITIAL,
                    to_status=transition.target,
                    by=by,
                    reason=reason,
                )
            record(
                f"{self.journal_prefix}.{transition.name}",
                obj,
                by=by,
                role=_journal_role(acting),
                before=None,
                after={"status": transition.target, **(details or {})},
            )
        return obj

    def log(self, obj, name: str, *, from_status: str, to_status: str, by, reason: str = ""):
        return self.log_model.objects.create(
            **{self.log_field: obj},
            name=name,
            from_status=from_status,
            to_status=to_status,
            by=by if by is not None and getattr(by, "pk", None) else None,
            reason=reason,
        )

    def move(
        self, obj, transition: Transition | str, *, by, reason: str = "", details=None, fields=(), role=None
    ):
        """Sets the target status and saves it, with the log row and the journal; the caller holds the transaction
        and has checked the transition (`check`) and its guards (prefer `run`, which does all of it)."""
        if isinstance(transition, str):
            transition = self.transitions[transition]
        before = obj.status
        obj.status = transition.target
        update_fields = ["status", *self.save_fields, *fields]
        if self.changed_at_field:
            setattr(obj, self.changed_at_field, timezone.now())
            update_fields.append(self.changed_at_field)
        obj.save(update_fields=list(dict.fromkeys(update_fields)))
        if self.log_model is not None:
            self.log(
                obj, transition.name, from_status=before, to_status=transition.target, by=by, reason=reason
            )
        after = {"status": transition.target}
        if reason and self.reason_in_journal:
            after["has_reason"] = True  # the reason is free text: in the transition log, not the journal
        record(
            f"{self.journal_prefix}.{transition.name}",
            obj,
            by=by,
            role=_journal_role(role),
            before={"status": before},
            after={**after, **(details or {})},
        )
        return obj


def _journal_role(role) -> str | None:
    """The journal keeps the acting role; None lets `record` take the request's."""
    return str(role) if role else None
