"""Which language a page, e-mail or PDF is rendered in.

Django ships its own catalogues (Spanish among them), so activating "es" would give Spanish
dates and Django's Spanish strings inside the project's English copy. A language is used only
when the project itself has a compiled catalogue for it; otherwise the text is English and
says so (`lang="en"`).
"""

from pathlib import Path

from django.conf import settings
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
