from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts import mfa


def staff_security(request: HttpRequest) -> dict[str, Any]:
    """The demo's "two-step verification is off" banner, and the idle-timeout warning's
    timings, for a signed-in staff account."""
    user = getattr(request, "user", None)
    if user is None or not mfa.applies_to(user):
        return {}
    return {
        "mfa_off": not mfa.is_required(),
        "idle_seconds": settings.PIC_STAFF_IDLE_MINUTES * 60,
        "idle_warning_seconds": settings.PIC_STAFF_IDLE_WARNING_SECONDS,
    }
