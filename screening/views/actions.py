"""Staff actions on one application: each a POST that calls one service (PRG).

A form with errors, or a refusal, comes back on the application page with what was typed.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import services as app_services
from applications.models import Application
from facilities.access import Capability, staff_required
from facilities.models import ProgramSettings
from screening import forms as F
from screening import services
from screening.models import BackgroundCheck, ScreeningStep
from screening.views.application import render_detail
from screening.views.common import run_action, staff_application


def _act(
    request: HttpRequest,
    application: Application,
    name: str,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    return run_action(
        request,
        form,
        action,
        success=success,
        done=lambda: redirect("staff:application", application.reference),
        again=lambda bound: render_detail(request, application, {name: bound}),
    )


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
        forms.Form(request.POST),
        lambda d: services.start_review(application=application, by=request.user),
        _("Review started; the screening steps are listed below."),
    )


@require_POST
@staff_required(Capability.VIEW)
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "note",
        F.NoteForm(request.POST),
        lambda d: services.add_note(application=application, by=request.user, **d),
        _("Note added."),
    )


@require_POST
@staff_required(Capability.VIEW)
def request_information(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    form = F.RequestInformationForm(
        request.POST,
        kind=application.kind,
        default_days=ProgramSettings.load().info_request_days,
    )
    return _act(
        request,
        application,
        "request_info",
        form,
        lambda d: app_services.request_information(application=application, by=request.user, **d),
        _("Information requested; the applicant was e-mailed."),
    )


@require_POST
@staff_required(Capability.VIEW)
def answered_another_way(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "answered",
        F.AnsweredAnotherWayForm(request.POST),
        lambda d: services.mark_answered_another_way(application=application, by=request.user, **d),
        _("Recorded as answered; the application is back in review."),
    )


@require_POST
@staff_required(Capability.VIEW)
def record_step(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        f"step-{step.pk}",
        F.StepForm(request.POST, prefix=f"step-{step.pk}"),
        lambda d: services.record_step(step=step, by=request.user, **d),
        _("Step recorded."),
    )


@require_POST
@staff_required(Capability.VIEW)
def add_check(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        "check",
        F.CheckForm(request.POST),
        lambda d: services.add_background_check(step=step, by=request.user, **d),
        _("Check recorded."),
    )


def _check(application: Application, check_id: int) -> BackgroundCheck:
    return get_object_or_404(BackgroundCheck, pk=check_id, step__application=application)


# Correcting a check is part of recording checks (the record capability, as for a chaplain):
# nothing is erased, the reason is required and the correction is audited.
@require_POST
@staff_required(Capability.VIEW)
def rerun_check(request: HttpRequest, reference: str, check_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    check = _check(application, check_id)
    return _act(
        request,
        application,
        f"rerun-{check.pk}",
        F.RerunForm(request.POST, prefix=f"rerun-{check.pk}"),
        lambda d: services.record_rerun(check=check, by=request.user, **d),
        _("Re-run recorded; the earlier check is kept, marked superseded."),
    )


@require_POST
@staff_required(Capability.VIEW)
def void_check(request: HttpRequest, reference: str, check_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    check = _check(application, check_id)
    return _act(
        request,
        application,
        f"void-{check.pk}",
        F.VoidCheckForm(request.POST, prefix=f"void-{check.pk}"),
        lambda d: services.void_check(check=check, by=request.user, **d),
        _("Check voided; it stays on record, marked void."),
    )


@require_POST
@staff_required(Capability.VIEW)
def waive_step(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    step = get_object_or_404(ScreeningStep, pk=step_id, application=application)
    return _act(
        request,
        application,
        f"waive-{step.pk}",
        F.WaiveForm(request.POST, prefix=f"waive-{step.pk}"),
        lambda d: services.waive_step(step=step, by=request.user, **d),
        _("Step waived."),
    )


@require_POST
@staff_required(Capability.VIEW)
def resolve_conflict(request: HttpRequest, reference: str, relationship_id: int) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    relationship = get_object_or_404(application.relationships, pk=relationship_id)
    form = F.ConflictForm(request.POST, prefix=f"conflict-{relationship.pk}")
    return _act(
        request,
        application,
        f"conflict-{relationship.pk}",
        form,
        lambda d: services.resolve_conflict(relationship=relationship, by=request.user, **d),
        _("Conflict resolved with a written exception."),
    )


@require_POST
@staff_required(Capability.VIEW)
def decline(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    return _act(
        request,
        application,
        "decline",
        F.DeclineForm(request.POST),
        lambda d: services.decline_application(application=application, by=request.user, **d),
        _("Application declined; the applicant was told."),
    )


@require_POST
@staff_required(Capability.VIEW)
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.DECIDE)
    form = F.ApproveForm(request.POST, requested=application.access_level_requested)
    return _act(
        request,
        application,
        "approve",
        form,
        lambda d: services.approve_application(application=application, by=request.user, **d),
        _("Approved. Facility access now awaits activation."),
    )


@require_POST
@staff_required(Capability.VIEW)
def withdraw_on_behalf(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application(request, reference, Capability.RECORD)
    return _act(
        request,
        application,
        "withdraw",
        F.WithdrawOnBehalfForm(request.POST),
        lambda d: app_services.withdraw_application(
            application=application, by=request.user, on_behalf=True, **d
        ),
        _("Withdrawn on the applicant's behalf."),
    )
