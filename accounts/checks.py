from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def mfa_on_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Background-check results are criminal-justice information: no deployment without the
    second sign-in step (CJIS advanced authentication)."""
    if settings.PIC_REQUIRE_MFA:
        return []
    return [
        Warning(
            "PIC_REQUIRE_MFA is off: staff sign in with a password alone.",
            hint="Unset PIC_REQUIRE_MFA (it is on by default when DJANGO_DEBUG is off).",
            id="pic.W001",
        )
    ]


@register(Tags.security, deploy=True)
def rate_limits_on_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.PIC_RATE_LIMITS:
        return []
    return [
        Warning(
            "PIC_RATE_LIMITS is off: no sign-in lockout and no rate limits.",
            hint="Turn it off only for a load test, never where the site is served.",
            id="pic.W002",
        )
    ]
