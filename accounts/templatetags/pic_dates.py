"""Dates carried into e-mails as ISO text (task arguments are JSON) read like every other
date: `{{ due_on|isodate }}` gives "December 1, 2026" in the e-mail's language."""

from datetime import date

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def isodate(value: str | date | None) -> str:
    """An ISO date (or a date) in DATE_FORMAT; anything else unchanged, empty stays empty."""
    if not value:
        return ""
    if isinstance(value, date):
        return str(formats.date_format(value))
    try:
        return str(formats.date_format(date.fromisoformat(value)))
    except ValueError:
        return value
