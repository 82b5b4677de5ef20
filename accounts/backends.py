"""The lockout check as the first authentication backend."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """axes' check, for sign-ins that come with a request.

    axes refuses to run without one; `authenticate()` called from code (a shell, a
    management command, a test) is no sign-in attempt anyone can repeat from outside, so it
    passes to the next backend instead of raising.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
