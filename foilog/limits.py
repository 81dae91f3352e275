"""How much one client (or one server process) may ask of the site: counts kept in the
cache, across every server with REDIS_URL, per server process without it. Keys are
digests, so the cache holds no address.

A rate (sign-ups for alerts) counts each request and lapses a period after the first;
a slot (a download streaming) is counted when it starts and given back when it ends,
and lapses the same way if a killed process never gives it back.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    seconds: int

    def _key(self, who: str) -> str:
        digest = hashlib.sha256(who.strip().lower().encode()).hexdigest()[:32]
        return f"foilog:limit:{self.name}:{digest}"

    def allows(self, who: str) -> bool:
        """Count one more request by ``who``; whether it is within the limit (one that is
        not counts nothing)."""
        key = self._key(who)
        cache.add(key, 0, self.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # lapsed or evicted in between
            cache.set(key, 1, self.seconds)
            count = 1
        if count > self.requests:
            self.release(who)
            return False
        return True

    def release(self, who: str) -> None:
        """Give back one request of ``who``'s: a slot, once what held it is done."""
        with contextlib.suppress(ValueError):  # lapsed or evicted: nothing to give back
            cache.decr(self._key(who))
