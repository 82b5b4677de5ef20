"""The public directory and facility pages are reference data: their fragments are cached
under a version that any change to what they show replaces.

The version is one cache entry; each fragment's key includes it (with the language and the
filters), so one write makes every cached fragment unreachable, for every language and
filter, on every app server sharing the cache. The fragments never hold a CSRF token: the
visit-request form and the page around them render on every request.
"""

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "facilities:directory:version"
# Reference data changes a few times a year; a day bounds any entry a lost write left stale.
FRAGMENT_SECONDS = 24 * 60 * 60


def directory_version() -> str:
    """The current version of the directory's cached fragments."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY, "")
    return str(version)


def invalidate_directory() -> None:
    """Make every cached directory and facility fragment stale.

    Now (so this request and this transaction's later reads see the change) and again after
    commit: a page rendered between the two from the old rows would otherwise be cached under
    the new version.
    """
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


# The columns of a user a public page shows (a coordinator's name); a sign-in writes only
# last_login and changes nothing a visitor sees.
_UNSEEN_USER_FIELDS = frozenset({"last_login", "password"})


def on_reference_data_changed(sender: Any, **kwargs: Any) -> None:
    """post_save / post_delete of a facility, region, membership or the program settings."""
    invalidate_directory()


def on_user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= _UNSEEN_USER_FIELDS:
        return
    invalidate_directory()
