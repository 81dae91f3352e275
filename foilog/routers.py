"""Read replicas: reads go to a replica, writes and migrations to the primary.

Active when ``DATABASE_REPLICA_URLS`` adds ``replica1`` … ``replicaN`` to ``DATABASES``.
A replica lags the primary by a moment, which public pages can bear and staff cannot: a
colleague who saves a disclosure and sees the old version would save it again. So reads
stay on the primary inside a transaction and while ``reads_from_primary()`` is in force,
which ``foilog.middleware.PrimaryDatabaseMiddleware`` turns on for staff requests.

A public request reads from one replica from start to end (``one_replica()``, which the
same middleware puts around every other request). Replicas lag by different amounts: a
page's validators read from an up-to-date replica and its body from a lagging one would
keep the old page in the cache under the new ETag, a withdrawn disclosure included.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_on_primary: ContextVar[bool] = ContextVar("foilog_reads_on_primary", default=False)
# Inside ``one_replica()``: the replica chosen for the block, once a read has chosen it.
_pinned: ContextVar[list[str] | None] = ContextVar("foilog_reads_pinned_to", default=None)


@contextmanager
def reads_from_primary() -> Iterator[None]:
    """Within this block every read goes to the primary database."""
    token = _on_primary.set(True)
    try:
        yield
    finally:
        _on_primary.reset(token)


@contextmanager
def one_replica() -> Iterator[None]:
    """Within this block every read goes to the same database: one replica, chosen at
    random by the first read, or the primary when there are none."""
    token = _pinned.set([])
    try:
        yield
    finally:
        _pinned.reset(token)


def pick_replica(replicas: list[str]) -> str:
    """One of the replicas, at random: spreading the load, not a secret."""
    return random.choice(replicas)  # noqa: S311


def replica_aliases() -> list[str]:
    """The configured replicas' aliases, ``replica1`` first."""
    return sorted(
        (alias for alias in settings.DATABASES if alias.startswith("replica")),
        key=lambda alias: int(alias.removeprefix("replica") or 0),
    )


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        replicas = replica_aliases()
        if not replicas or _on_primary.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        pinned = _pinned.get()
        if pinned is None:
            return pick_replica(replicas)
        if not pinned:
            pinned.append(pick_replica(replicas))
        return pinned[0]

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same rows as the primary: an object read from one may be
        # related to an object read from another.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
