"""Revealing one full identifier of an application's person (DESIGN: decide capability,
with a reason, audited). A POST form: the number is never in a URL, and the page showing it
is never cached."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from applications.services import NothingToReveal, reveal_identifier
from facilities.access import Capability, staff_required
from screening.forms import RevealForm
from screening.views.common import staff_application

TEMPLATE = "screening/identifier_reveal.html"


@require_http_methods(["GET", "POST"])
@staff_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    application = staff_application(request, reference, Capability.DECIDE)
    person = application.person
    form = RevealForm(request.POST or None, person=person)
    context = {"application": application, "person": person, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            value = reveal_identifier(application=application, by=request.user, **form.cleaned_data)
        except NothingToReveal as exc:
            form.add_error(None, str(exc))
        else:
            label = dict(form.fields["field"].choices)[form.cleaned_data["field"]]  # type: ignore[attr-defined]
            return render(request, TEMPLATE, {**context, "value": value, "label": label})
    return render(request, TEMPLATE, {**context, "error_links": form.error_links()})
