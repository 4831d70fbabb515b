"""The one workflow engine: a transition table as data, the guard on the current status, and the move.

An app declares its table once (`Workflow([...], ...)`) and writes one function per transition that locks the rows it
decides on, checks the transition (`check`) and its own guards, then calls `move`, which sets the status, saves it,
writes the transition log row and the journal entry (before/after) in the caller's transaction. An illegal transition
raises `TransitionError` with a French message the views show as is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from cnfs.journal.services import record


class TransitionError(Exception):
    """The transition is not allowed from the current status, or its guard refuses it (message in French)."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    label: str

    def allows(self, obj) -> bool:
        return obj.status in self.sources


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

    def allowed(self, status: str) -> list[Transition]:
        return [t for t in self.transitions.values() if status in t.sources]

    def can(self, obj, name: str) -> bool:
        return self.transitions[name].allows(obj)

    def check(self, obj, name: str) -> Transition:
        transition = self.transitions[name]
        if not transition.allows(obj):
            raise TransitionError(self.refused(obj, transition))
        return transition

    @staticmethod
    def lock(obj):
        """Re-read the row under a lock: the status checked is the one in the database, not a stale copy."""
        obj.refresh_from_db(from_queryset=type(obj)._default_manager.select_for_update())
        return obj

    def log(self, obj, name: str, *, from_status: str, to_status: str, by, reason: str = ""):
        return self.log_model.objects.create(
            **{self.log_field: obj},
            name=name,
            from_status=from_status,
            to_status=to_status,
            by=by,
            reason=reason,
        )

    def move(self, obj, transition: Transition | str, *, by, reason: str = "", details=None, fields=()):
        """Sets the target status and saves it, with the log row and the journal; the caller holds the transaction
        and has checked the transition (`check`) and its guards."""
        if isinstance(transition, str):
            transition = self.transitions[transition]
        before = obj.status
        obj.status = transition.target
        update_fields = ["status", *self.save_fields, *fields]
        if self.changed_at_field:
            setattr(obj, self.changed_at_field, timezone.now())
            update_fields.append(self.changed_at_field)
        obj.save(update_fields=update_fields)
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
            before={"status": before},
            after={**after, **(details or {})},
        )
        return obj
