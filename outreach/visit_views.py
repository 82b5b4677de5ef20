"""Program visits over HTTP: the visitor's request and status pages (no login: the request's
token is the key), the start of an application, and the coordinator's inbox per facility."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications import sections as S
from applications.access import applicant_required
from applications.models import Application
from applications.services import AlreadyLive, ApplicationError
from audit.context import current_ip
from facilities.access import Capability, facility_required, staff_required
from facilities.models import Facility
from outreach import visits
from outreach.models import ProgramVisit, VisitRequest, VisitRequestStatus, VisitStatus
from outreach.visit_forms import (
    DeclineVisitForm,
    RecordVisitForm,
    ScheduleVisitForm,
    StartFromVisitForm,
    VisitRequestForm,
)

# The visitor's pages --------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
def request_visit(request: HttpRequest, code: str) -> HttpResponse:
    facility = get_object_or_404(Facility.objects.open(), code=code.upper())
    form = VisitRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = visits.request_visit(
                facility=facility,
                cleaned=form.cleaned_data,
                ip=current_ip.get() or "",
                honeypot=form.is_bot,
                language=request.LANGUAGE_CODE,
            )
        except visits.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. Your request for a program visit was sent."))
            if made is None:  # the honeypot: the same answer, nothing kept
                return redirect("facilities:detail", facility.code)
            return redirect("visits:status", made.token)
    return render(request, "outreach/visit_request.html", {"facility": facility, "form": form})


def _by_token(token: str) -> VisitRequest:
    return get_object_or_404(
        VisitRequest.objects.select_related("facility").prefetch_related("visits"), token=token
    )


@login_not_required
@require_GET
@cache_control(private=True, no_store=True)  # the visitor's details, behind a secret link
def status(request: HttpRequest, token: str) -> HttpResponse:
    visit_request = _by_token(token)
    context = {
        "visit_request": visit_request,
        "tally": visits.tally(visit_request.facility, visit_request.email),
    }
    return render(request, "outreach/visit_status.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def start_application(request: HttpRequest, token: str) -> HttpResponse:
    visit_request = _by_token(token)
    form = StartFromVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = visits.start_application_from_visit(
                visit_request=visit_request, user=request.user, kind=form.cleaned_data["kind"]
            )
        except AlreadyLive as exc:
            messages.info(request, str(exc))
            return redirect("applications:detail", exc.existing.public_id)
        except ApplicationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("applications:section", application.public_id, S.IDENTITY)
    context = {"visit_request": visit_request, "form": form}
    return render(request, "outreach/visit_apply.html", context)


# The coordinator's inbox ----------------------------------------------------------------


def _tallies(facility: Facility) -> dict[str, dict[str, int]]:
    """Made and booked visits per visitor address at a facility, in one query."""
    rows = (
        ProgramVisit.objects.filter(facility=facility)
        .counted()
        .values("request__email", "status")
        .annotate(n=Count("pk"))
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["request__email"].lower(), {})[row["status"]] = row["n"]
    return found


def _auto_id(pk: int) -> str:
    """Each request's forms get their own element ids (the inbox shows one per request)."""
    return f"id_%s_{pk}"


def _inbox(
    request: HttpRequest, facility: Facility, *, bound: tuple[int, str, Form] | None = None
) -> HttpResponse:
    requests = list(
        VisitRequest.objects.visible_to(request.user, Capability.VIEW)
        .filter(facility=facility)
        .prefetch_related("visits__escort")
    )
    allowed = visits.allowed_visits(facility)
    tallies = _tallies(facility)
    escorts = list(ScheduleVisitForm(facility=facility).fields["escort"].choices)  # type: ignore[attr-defined]
    rows = []
    for item in requests:
        counts = tallies.get(item.email.lower(), {})
        tally = visits.Tally(
            made=counts.get(VisitStatus.MADE, 0),
            booked=counts.get(VisitStatus.SCHEDULED, 0),
            allowed=allowed,
        )
        forms: dict[str, Any] = {
            "schedule": ScheduleVisitForm(
                facility=facility, escorts=escorts, auto_id=_auto_id(item.pk)
            ),
            "decline": DeclineVisitForm(auto_id=_auto_id(item.pk)),
        }
        if bound is not None and bound[0] == item.pk:
            forms[bound[1]] = bound[2]
        rows.append({"request": item, "tally": tally, "forms": forms})
    context = {"facility": facility, "rows": rows, "allowed": allowed, "bound": bound}
    return render(request, "outreach/visit_inbox.html", context, status=400 if bound else 200)


@require_GET
@facility_required(Capability.VIEW)
def inbox(request: HttpRequest, facility: Facility) -> HttpResponse:
    return _inbox(request, facility)


def _request_at(request: HttpRequest, facility: Facility, pk: int) -> VisitRequest:
    found = VisitRequest.objects.visible_to(request.user, Capability.RECORD)
    return get_object_or_404(found.select_related("facility"), facility=facility, pk=pk)


@require_POST
@facility_required(Capability.RECORD)
def schedule(request: HttpRequest, facility: Facility, pk: int) -> HttpResponse:
    visit_request = _request_at(request, facility, pk)
    form = ScheduleVisitForm(request.POST, facility=facility, auto_id=_auto_id(pk))
    if form.is_valid():
        try:
            visits.schedule_visit(visit_request=visit_request, by=request.user, **form.cleaned_data)
        except visits.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The visit was scheduled and the visitor told."))
            return redirect("visits_staff:inbox", facility.code)
    return _inbox(request, facility, bound=(visit_request.pk, "schedule", form))


@require_POST
@facility_required(Capability.RECORD)
def decline(request: HttpRequest, facility: Facility, pk: int) -> HttpResponse:
    visit_request = _request_at(request, facility, pk)
    form = DeclineVisitForm(request.POST, auto_id=_auto_id(pk))
    if form.is_valid():
        try:
            visits.decline_visit_request(
                visit_request=visit_request, reason=form.cleaned_data["reason"], by=request.user
            )
        except visits.VisitError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The request was declined and the visitor told."))
            return redirect("visits_staff:inbox", facility.code)
    return _inbox(request, facility, bound=(visit_request.pk, "decline", form))


@require_POST
@facility_required(Capability.RECORD)
def record(request: HttpRequest, facility: Facility, pk: int) -> HttpResponse:
    found = ProgramVisit.objects.visible_to(request.user, Capability.RECORD)
    visit = get_object_or_404(found.select_related("request"), facility=facility, pk=pk)
    form = RecordVisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the visit was made or missed."))
        return redirect("visits_staff:inbox", facility.code)
    try:
        visits.record_visit(
            visit=visit, made=form.cleaned_data["outcome"] == "made", by=request.user
        )
    except visits.VisitError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The visit was recorded."))
    return redirect("visits_staff:inbox", facility.code)


@require_GET
@staff_required(Capability.VIEW)
def application_visits(request: HttpRequest, reference: str) -> HttpResponse:
    """The program visits of an application's person at its facility (linked to them, or
    requested with their e-mail address)."""
    found = Application.objects.visible_to(request.user, Capability.VIEW)
    application = get_object_or_404(found.select_related("person", "facility"), reference=reference)
    person = application.person
    requests = visits.visits_of_person_at(application.facility, person.email, person.pk)
    context = {
        "application": application,
        "requests": requests,
        "tally": visits.tally(application.facility, person.email) if person.email else None,
        "declined": VisitRequestStatus.DECLINED,
    }
    return render(request, "outreach/application_visits.html", context)
