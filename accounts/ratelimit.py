"""Fixed-window rate limits kept in the cache (the database cache: shared by every process)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def is_limited(scope: str, subject: str, *, limit: int) -> bool:
    """Whether `subject` has used up its `limit` in the current window of `scope`; never
    while `PIC_RATE_LIMITS` is off (a load test from one address)."""
    if not settings.PIC_RATE_LIMITS:
        return False
    return int(cache.get(_key(scope, subject), 0)) >= limit


def hit(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one attempt by `subject` in `scope`; return the count in this window (none
    while `PIC_RATE_LIMITS` is off)."""
    if not settings.PIC_RATE_LIMITS:
        return 0
    key = _key(scope, subject)
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
