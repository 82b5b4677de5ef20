from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from applications.models import Application, Person
from applications.services import ApplicationError
from facilities.access import Capability, has_capability


def staff_application(request: HttpRequest, reference: str, cap: str) -> Application:
    """An application at one of the user's facilities (else 404) where they hold `cap`
    (else 403): the one way staff views fetch an application."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user, Capability.VIEW).select_related(
            "person", "facility"
        ),
        reference=reference,
    )
    if not has_capability(request.user, cap, application.facility):
        raise PermissionDenied("Your role does not allow this here.")
    return application


def staff_person(request: HttpRequest, public_id: str) -> Person:
    """A person seen through an application at one of the user's facilities, else 404."""
    return get_object_or_404(
        Person.objects.visible_to(request.user, Capability.VIEW), public_id=public_id
    )


def run_action(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    done: Callable[[], HttpResponse],
    again: Callable[[forms.Form], HttpResponse],
) -> HttpResponse:
    """Validate `form` and run `action` with its data (one service call). Success: a message
    and `done()` (a redirect). Errors or a refusal: `again(form)`, the page shown anew with
    the form bound to what was typed; a form with no fields to mark says why in a message."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return done()
    if form.fields:
        messages.error(request, _("That could not be done: see the form marked below."))
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return again(form)
