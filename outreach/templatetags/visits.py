"""`{% visit_request_form facility %}`: the program-visit form on the public facility page
(a template tag, so facilities/ needs no import of outreach)."""

from typing import Any

from django import template

from outreach.visit_forms import VisitRequestForm

register = template.Library()


@register.inclusion_tag("outreach/_visit_form.html", takes_context=True)
def visit_request_form(context: template.Context, facility: Any) -> dict[str, Any]:
    return {
        "facility": facility,
        "form": VisitRequestForm(),
        "csrf_token": context.get("csrf_token"),
    }
