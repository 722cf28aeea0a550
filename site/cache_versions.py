"""Version keys of cached fragments: a number kept in the cache, part of every key of what it covers.

A change replaces the number, so a fragment cached under the old one is never served again (stale entries
simply expire): nothing is deleted, and on Redis the sessions, rate limits and task queue that share the
server are left alone. `content` uses one for published pages, `shop` one for the catalogue.
"""

import secrets

from django.core.cache import cache
from django.db import transaction


class CacheVersion:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, secrets.token_hex(8), None)
            version = cache.get(self.key)
        return version

    def replace(self) -> None:
        cache.set(self.key, secrets.token_hex(8), None)

    def replace_now_and_after_commit(self) -> None:
        """For a change made inside a transaction: replaced at once and again after the commit, so that a
        fragment computed by another request between the two (still seeing the old data) is not served."""
        self.replace()
        transaction.on_commit(self.replace)
