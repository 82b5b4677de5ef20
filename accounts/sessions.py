"""Ending every session of a user at once, with any session backend.

Sessions live wherever SESSION_ENGINE puts them (the database, Redis, a signed cookie), so
they cannot be listed and deleted per user. Instead each session carries a hash of the
user's password and session version, checked on every request (User.get_session_auth_hash):
raising the version makes every existing session fail that check and sign out.
"""

from typing import Any

from django.db import transaction
from django.db.models import F

from accounts.models import User
from audit.services import record


@transaction.atomic
def end_all_sessions(*, user: User, by: Any, reason: str) -> None:
    """Sign `user` out everywhere, on their next request to any server; audited."""
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])
    record(by=by, action="accounts.sessions_ended", target=user, details={"reason": reason})
