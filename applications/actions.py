"""One staff form, one service call: the shape every small action form on a staff page
takes (screening's application page, volunteers' access page)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from applications.services import ApplicationError


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
