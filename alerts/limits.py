"""How often one may ask for alerts: per email address and per client address.

Counted in the cache, as the downloads' limit is (``disclosures/exports.py``): across
every server with REDIS_URL, per server process without it. Each count runs for its
period from the first request it counts, then starts again. Keys are digests, so the
cache holds no address.
"""

from __future__ import annotations

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
        """Count one more request by ``who``; whether it is within the limit."""
        key = self._key(who)
        cache.add(key, 0, self.seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # lapsed or evicted in between
            cache.set(key, 1, self.seconds)
            count = 1
        return count <= self.requests


# Sign-ups from one client address (a person, or an office behind one address).
PER_CLIENT = Limit("alerts-client", requests=20, seconds=60 * 60)
# Confirmation emails to one address: enough for someone following several searches,
# too few to fill a stranger's inbox by signing them up.
PER_EMAIL = Limit("alerts-email", requests=5, seconds=24 * 60 * 60)
