"""Which language a page, e-mail or PDF is rendered in.

Django ships its own catalogues (Spanish among them), so activating "es" would give Spanish
dates and Django's Spanish strings inside the project's English copy. A language is used only
when the project itself has a compiled catalogue for it; otherwise the text is English and
says so (`lang="en"`).
"""

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation


def has_catalogue(code: str) -> bool:
    """True when LOCALE_PATHS holds a compiled project catalogue for `code`."""
    locale = translation.to_locale(code)
    return any(
        (Path(base) / name / "LC_MESSAGES" / "django.mo").is_file()
        for base in settings.LOCALE_PATHS
        for name in {locale, locale.split("_")[0]}
    )


def rendered_language(preferred: str | None) -> str:
    """The language to render in for someone who prefers `preferred`: that one when the
    project speaks it, else the source language (English)."""
    default = settings.LANGUAGE_CODE
    if not preferred:
        return default
    try:
        code = translation.get_supported_language_variant(preferred)
    except LookupError:
        return default
    if code == default or has_catalogue(code):
        return code
    return default


def remember_language(response: HttpResponse, code: str) -> None:
    """Set the language cookie as Django's `set_language` view does (same name and flags),
    so a sign-in can apply the person's stored preference to the pages that follow."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax"
    )
