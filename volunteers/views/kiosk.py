"""The gate kiosk: the tablet's pages under /kiosk/ (no staff session: the kiosk cookie is
the only credential they read) and the facility's staff page of its kiosks, their log and
the visits to fix."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.actions import run_action
from facilities.access import Capability, facility_required, has_capability
from facilities.models import Facility
from volunteers import kiosk
from volunteers.kiosk_forms import BadgeForm, EnrolKioskForm, FixVisitForm
from volunteers.models import KioskAttempt, KioskDevice, KioskVisit

LOG_ROWS = 100


def _denied(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/kiosk_denied.html", status=403)


def _device(request: HttpRequest) -> KioskDevice | None:
    return kiosk.device_for_token(request.COOKIES.get(kiosk.COOKIE_NAME))


@login_not_required
@require_GET
@cache_control(private=True, no_store=True)
def kiosk_home(request: HttpRequest) -> HttpResponse:
    device = _device(request)
    if device is None:
        return _denied(request)
    return redirect("kiosk:desk", device.facility.code)


@login_not_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def desk(request: HttpRequest, code: str) -> HttpResponse:
    device = _device(request)
    if device is None or device.facility.code != code:
        return _denied(request)
    context: dict[str, Any] = {"facility": device.facility, "form": BadgeForm()}
    if request.method == "GET":
        return render(request, "volunteers/kiosk_desk.html", context)
    form = BadgeForm(request.POST)
    if not form.is_valid():
        return render(request, "volunteers/kiosk_desk.html", {**context, "form": form}, status=400)
    result = kiosk.scan_badge(
        device=device,
        entered=form.cleaned_data["badge"],
        program_area=form.cleaned_data["program_area"],
    )
    context.update(result=result, badge=form.cleaned_data["badge"])
    if result.outcome == "choose_area":
        return render(request, "volunteers/kiosk_choose.html", context)
    status = 429 if result.limited else 200
    return render(request, "volunteers/kiosk_result.html", context, status=status)


# The staff side ----------------------------------------------------------------------------


def _page(request: HttpRequest, facility: Facility, **bound: Any) -> HttpResponse:
    to_fix = list(
        KioskVisit.objects.to_fix()
        .filter(facility=facility)
        .select_related("person", "access__application")
    )
    fixes = bound.get("fixes", {})
    context = {
        "facility": facility,
        "devices": KioskDevice.objects.filter(facility=facility).select_related(
            "enrolled_by", "revoked_by"
        ),
        "to_fix": [
            (
                visit,
                fixes.get(visit.pk)
                or FixVisitForm(initial={"program_area": visit.access.application.program_area}),
            )
            for visit in to_fix
        ],
        "open_visits": KioskVisit.objects.open()
        .filter(facility=facility)
        .select_related("person", "access"),
        "attempts": KioskAttempt.objects.filter(facility=facility).select_related(
            "device", "access__person"
        )[:LOG_ROWS],
        "can_record": has_capability(request.user, Capability.RECORD, facility),
        "enrol_form": bound.get("enrol") or EnrolKioskForm(),
    }
    return render(request, "volunteers/kiosk_staff.html", context)


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def kiosk_page(request: HttpRequest, facility: Facility) -> HttpResponse:
    return _page(request, facility)


@require_POST
@facility_required(Capability.RECORD)
def enrol(request: HttpRequest, facility: Facility) -> HttpResponse:
    """Enrol this browser as the facility's kiosk, then sign the coordinator out of it: the
    tablet keeps the kiosk cookie and no staff session."""
    form = EnrolKioskForm(request.POST)
    if not form.is_valid():
        return _page(request, facility, enrol=form)
    _device_row, token = kiosk.enrol_device(
        facility=facility, name=form.cleaned_data["name"], by=request.user
    )
    logout(request)
    response = redirect("kiosk:desk", facility.code)
    response.set_cookie(
        kiosk.COOKIE_NAME,
        token,
        max_age=kiosk.COOKIE_MAX_AGE,
        path=reverse("kiosk:home"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@require_POST
@facility_required(Capability.RECORD)
def revoke(request: HttpRequest, facility: Facility, device_id: int) -> HttpResponse:
    device = get_object_or_404(KioskDevice.objects.filter(facility=facility), pk=device_id)
    return run_action(
        request,
        forms.Form(request.POST),
        lambda d: kiosk.revoke_device(device=device, by=request.user),
        success=_("The kiosk is revoked: it opens nothing any more."),
        done=lambda: redirect("volunteers:kiosk", facility.code),
        again=lambda bound: _page(request, facility),
    )


@require_POST
@facility_required(Capability.RECORD)
def fix(request: HttpRequest, facility: Facility, visit_id: int) -> HttpResponse:
    visit = get_object_or_404(KioskVisit.objects.to_fix().filter(facility=facility), pk=visit_id)
    return run_action(
        request,
        FixVisitForm(request.POST),
        lambda d: kiosk.fix_visit(
            visit=visit,
            by=request.user,
            left_at=None if d["no_hours"] else d["left_at"],
            program_area=d["program_area"],
        ),
        success=_("Visit closed."),
        done=lambda: redirect("volunteers:kiosk", facility.code),
        again=lambda bound: _page(request, facility, fixes={visit.pk: bound}),
    )
