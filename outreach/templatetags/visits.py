"""`{% visit_request_form facility %}`: the program-visit form on the public facility page
(a template tag, so facilities/ needs no import of outreach)."""

from typing import Any

from django import template
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from outreach.visit_forms import VisitRequestForm

register = template.Library()

# Stands where the CSRF token goes while the unbound form is rendered for the cache: the
# cached halves never hold a token; each request puts its own between them.
_TOKEN_SLOT = "pic-csrf-token-slot"  # noqa: S105 - a placeholder, not a secret
_TOKEN_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_TOKEN_SLOT}">'


def _render_halves(facility: Any) -> tuple[str, str]:
    html = render_to_string(
        "outreach/_visit_form.html",
        {"facility": facility, "form": VisitRequestForm(), "csrf_token": _TOKEN_SLOT},
    )
    before, slot, after = html.partition(_TOKEN_INPUT)
    if not slot:
        raise ImproperlyConfigured("outreach/_visit_form.html must render {% csrf_token %}")
    return before, after


@register.simple_tag(takes_context=True)
def visit_request_form(context: template.Context, facility: Any) -> SafeString:
    """The unbound form is the same for every visitor of a facility in a language: it is
    rendered once (crispy costs most of the page's time) and cached under the directory's
    version (facilities/directory_cache.py), like the fragments around it."""
    version = context.get("cache_version")
    key = f"outreach:visit-form:{version}:{get_language()}:{facility.code}"
    fragments = caches["template_fragments"]
    halves: tuple[str, str] | None = fragments.get(key) if version else None
    if halves is None:
        halves = _render_halves(facility)
        if version:
            fragments.set(key, halves, context.get("cache_seconds"))
    before, after = halves
    token = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token")
    )
    return mark_safe(before + token + after)  # noqa: S308 - our own rendered template halves
