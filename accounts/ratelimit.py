"""Fixed-window rate limits kept in the cache (the database cache: shared by every process)."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def _lifted() -> bool:
    # A load test (`make bench`) drives every page from one loopback address; the limits
    # would refuse it within seconds. The counting still happens, so it pays what
    # production pays.
    return not settings.PIC_RATE_LIMITS


def is_limited(scope: str, subject: str, *, limit: int) -> bool:
    """Whether `subject` has used up its `limit` in the current window of `scope`; never
    while the limits are lifted (PIC_RATE_LIMITS off, as `make bench` sets it)."""
    count = int(cache.get(_key(scope, subject), 0))
    return count >= limit and not _lifted()


def hit(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one attempt by `subject` in `scope`; return the count in this window (0 while
    the limits are lifted)."""
    count = _count(_key(scope, subject), window_seconds)
    return 0 if _lifted() else count


def _count(key: str, window_seconds: int) -> int:
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def reset(scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))
