"""Sign-in, sign-out and failed sign-in go to the audit log from Django's auth signals.

This is the one place STYLE allows a signal to write: the auth views own these events.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from audit.context import client_ip
from audit.services import record


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(by=user, action="auth.sign_in", target=user, ip=_ip(request))


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(by=user, action="auth.sign_out", target=user, ip=_ip(request))


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Credentials arrive with the password already masked; keep only the name tried.
    # Lower-cased as sign-in matches it, so one account's failures count under one name.
    tried = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    tried = tried[:255]
    reason = kwargs.get("reason")
    details = {"reason": str(reason)} if reason else None
    record(by=None, action="auth.sign_in_failed", target=tried, ip=_ip(request), details=details)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.sign_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.sign_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.sign_in_failed")
