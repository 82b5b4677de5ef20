"""Staff actions on one application: each a POST that calls one service (PRG).

A form with errors, or a refusal, comes back on the application page with what was typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from applications import services as app_services
from applications.models import Application
from facilities.access import Capability, staff_required
from facilities.models import ProgramSettings
from screening import forms as F
from screening import services
from screening.models import BackgroundCheck, ScreeningStep
from screening.views.application import render_detail, step_initial
from screening.views.common import run_action, staff_application


@dataclass(frozen=True)
class Page:
    """An action's own small page (GET on its URL): the application page links to it, and
    htmx loads its form into the page on demand, so that page renders no form."""

    title: str | Promise
    button: str | Promise
    button_class: str = "btn-primary"
    subject: str = ""


def _act(
    request: HttpRequest,
    application: Application,
    name: str,
    form: Callable[[Any], forms.Form],
    action: Callable[[dict[str, Any]], Any],
    success: str,
    page: Page | None = None,
) -> HttpResponse:
    """GET: the action's page with `form(None)`; POST: `form(request.POST)` through the
    service, back to the application page (with this form open and marked on errors)."""
    if request.method == "GET" and page is not None:
        template = "screening/application_action.html"
        context = {"application": application, "form": form(None), "page": page}
        return render(request, f"{template}#form" if _is_htmx(request) else template, context)
    return run_action(
        request,
        form(request.POST),
        action,
        success=success,
        done=lambda: redirect("staff:application", application.reference),
        again=lambda bound: render_detail(request, application, {name: bound}),
    )


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _application(request: HttpRequest, reference: str, cap: str) -> Application:
    return staff_application(request, reference, cap)


@require_POST
@staff_required(Capability.VIEW)
def start_review(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "start",
        forms.Form,
        lambda d: services.start_review(application=application, by=request.user),
        _("Review started; the screening steps are listed below."),
    )


ACTION = require_http_methods(["GET", "POST"])


@ACTION
@staff_required(Capability.VIEW)
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "note",
        F.NoteForm,
        lambda d: services.add_note(application=application, by=request.user, **d),
        _("Note added."),
        Page(gettext_lazy("Add a staff note"), gettext_lazy("Add note"), "btn-outline-primary"),
    )


@ACTION
@staff_required(Capability.VIEW)
def request_information(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    days = ProgramSettings.load().info_request_days
    return _act(
        request,
        application,
        "request_info",
        lambda data: F.RequestInformationForm(data, kind=application.kind, default_days=days),
        lambda d: app_services.request_information(application=application, by=request.user, **d),
        _("Information requested; the applicant was e-mailed."),
        Page(gettext_lazy("Request information"), gettext_lazy("Send request")),
    )


@ACTION
@staff_required(Capability.VIEW)
def answered_another_way(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "answered",
        F.AnsweredAnotherWayForm,
        lambda d: services.mark_answered_another_way(application=application, by=request.user, **d),
        _("Recorded as answered; the application is back in review."),
        Page(gettext_lazy("Answered another way"), gettext_lazy("Back to review")),
    )


@ACTION
@staff_required(Capability.VIEW)
def record_step(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        f"step-{step.pk}",
        lambda data: F.StepForm(data, prefix=f"step-{step.pk}", initial=step_initial(step)),
        lambda d: services.record_step(step=step, by=request.user, **d),
        _("Step recorded."),
        Page(
            gettext_lazy("Record this step"),
            gettext_lazy("Save"),
            subject=str(step.get_step_kind_display()),
        ),
    )


@ACTION
@staff_required(Capability.VIEW)
def add_check(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        "check",
        F.CheckForm,
        lambda d: services.add_background_check(step=step, by=request.user, **d),
        _("Check recorded."),
        Page(gettext_lazy("Add a check result"), gettext_lazy("Record check")),
    )


def _check(application: Application, check_id: int) -> BackgroundCheck:
    return get_object_or_404(BackgroundCheck, pk=check_id, step__application=application)


# Correcting a check is part of recording checks (the record capability, as for a chaplain):
# nothing is erased, the reason is required and the correction is audited.
@ACTION
@staff_required(Capability.VIEW)
def rerun_check(request: HttpRequest, reference: str, check_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    check = _check(application, check_id)
    initial = {"performed_by": check.performed_by}
    return _act(
        request,
        application,
        f"rerun-{check.pk}",
        lambda data: F.RerunForm(data, prefix=f"rerun-{check.pk}", initial=initial),
        lambda d: services.record_rerun(check=check, by=request.user, **d),
        _("Re-run recorded; the earlier check is kept, marked superseded."),
        Page(
            _("Record a re-run of this %(type)s check") % {"type": check.get_check_type_display()},
            gettext_lazy("Record re-run"),
        ),
    )


@ACTION
@staff_required(Capability.VIEW)
def void_check(request: HttpRequest, reference: str, check_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    check = _check(application, check_id)
    return _act(
        request,
        application,
        f"void-{check.pk}",
        lambda data: F.VoidCheckForm(data, prefix=f"void-{check.pk}"),
        lambda d: services.void_check(check=check, by=request.user, **d),
        _("Check voided; it stays on record, marked void."),
        Page(
            gettext_lazy("Void this entry (entered by mistake)"),
            gettext_lazy("Void entry"),
            "btn-outline-danger",
            subject=f"{check.get_check_type_display()} · {check.run_on}",
        ),
    )


@ACTION
@staff_required(Capability.VIEW)
def waive_step(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        f"waive-{step.pk}",
        lambda data: F.WaiveForm(data, prefix=f"waive-{step.pk}"),
        lambda d: services.waive_step(step=step, by=request.user, **d),
        _("Step waived."),
        Page(
            gettext_lazy("Waive this step"),
            gettext_lazy("Waive"),
            "btn-outline-danger",
            subject=str(step.get_step_kind_display()),
        ),
    )


@ACTION
@staff_required(Capability.VIEW)
def resolve_conflict(request: HttpRequest, reference: str, relationship_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    relationship = get_object_or_404(application.relationships, pk=relationship_id)
    return _act(
        request,
        application,
        f"conflict-{relationship.pk}",
        lambda data: F.ConflictForm(data, prefix=f"conflict-{relationship.pk}"),
        lambda d: services.resolve_conflict(relationship=relationship, by=request.user, **d),
        _("Conflict resolved with a written exception."),
        Page(
            gettext_lazy("Resolve with a written exception"),
            gettext_lazy("Record exception"),
            subject=relationship.name,
        ),
    )


@ACTION
@staff_required(Capability.VIEW)
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    return _act(
        request,
        application,
        "decline",
        F.DeclineForm,
        lambda d: services.decline_application(application=application, by=request.user, **d),
        _("Application declined; the applicant was told."),
        Page(gettext_lazy("Decline"), gettext_lazy("Decline"), "btn-danger"),
    )


@ACTION
@staff_required(Capability.VIEW)
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    requested = application.access_level_requested
    return _act(
        request,
        application,
        "approve",
        lambda data: F.ApproveForm(data, requested=requested),
        lambda d: services.approve_application(application=application, by=request.user, **d),
        _("Approved. Facility access now awaits activation."),
        Page(gettext_lazy("Approve"), gettext_lazy("Approve"), "btn-success"),
    )


@ACTION
@staff_required(Capability.VIEW)
def withdraw_on_behalf(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "withdraw",
        F.WithdrawOnBehalfForm,
        lambda d: app_services.withdraw_application(
            application=application, by=request.user, on_behalf=True, **d
        ),
        _("Withdrawn on the applicant's behalf."),
        Page(
            gettext_lazy("Withdraw on the applicant's behalf"),
            gettext_lazy("Withdraw"),
            "btn-outline-danger",
        ),
    )
