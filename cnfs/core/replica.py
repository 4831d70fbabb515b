"""Reading from a PostgreSQL streaming replica (README « Déploiement »): the dashboards, the exports and the public
statistics mark their reads with `reading_replica()` — a context manager, also a decorator for a view or a task —
and the router sends those reads to the `replica` database when one is configured (DATABASE_REPLICA_URL).

Everything else reads from `default`, and every write goes to `default`. Inside a transaction (an atomic block on
`default`) the reads stay on `default` too, even within `reading_replica()`: a transaction that wrote must read what
it wrote, and the replica, some milliseconds behind, may not hold it yet. Outside a transaction a marked read may
show the database as it was a moment ago (the replication lag): only pages of figures are marked, never a page that
follows a form."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading = ContextVar("cnfs_reading_replica", default=False)


@contextmanager
def reading_replica():
    """Within the block (or the decorated function), reads outside a transaction go to the replica if there is
    one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def iterate_reading_replica(iterable):
    """The items of `iterable` — a streamed response's rows, produced after the view has returned — each produced
    within `reading_replica()`."""
    iterator = iter(iterable)
    while True:
        with reading_replica():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


def replica_alias() -> str | None:
    """The alias reads go to at this point: `replica` or None (default)."""
    if not (_reading.get() and getattr(settings, "CNFS_READ_FROM_REPLICA", False)):
        return None
    if REPLICA not in connections.settings or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    return REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows default's schema through replication
