"""The volunteer's own pages under /account/: access, badge, trainings, what is due, and
the training sessions open to them."""

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from applications import age
from applications.access import applicant_required
from applications.downloads import pdf_response
from applications.models import Person
from applications.services import ApplicationError, person_for_login
from audit.services import record
from volunteers import activation
from volunteers.agreements import signable, signing_deadline
from volunteers.compliance import person_items
from volunteers.models import (
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    FacilityAccess,
    TrainingSession,
)


def _person(request: HttpRequest) -> Person:
    return person_for_login(user=request.user)  # type: ignore[arg-type]


def open_sessions(person: Person) -> QuerySet[TrainingSession]:
    """Upcoming sessions this person may join: their facilities', and statewide ones while
    any of their access is pending activation."""
    grants = FacilityAccess.objects.live().filter(person=person)
    condition = Q(facility__in=grants.values("facility"))
    if grants.filter(status=AccessStatus.PENDING_ACTIVATION).exists():
        condition |= Q(facility__isnull=True)
    return (
        TrainingSession.objects.upcoming(timezone.now())
        .filter(condition)
        .select_related("course", "facility")
    )


@applicant_required
@require_GET
def my_access(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    today = age.today()
    grants = person_items(person, today)  # live grants only
    context = {
        "grants": grants,
        # Each move of the volunteer's access, in plain words (kinds and dates, no staff text).
        "history": AccessEvent.objects.filter(access__person=person)
        .exclude(kind__in=["", AccessEventKind.NOTE])
        .select_related("access__facility")
        .order_by("-at", "-pk"),
        "past": FacilityAccess.objects.filter(
            person=person, status__in=[AccessStatus.ENDED, AccessStatus.REVOKED]
        ).select_related("facility"),
        "today": today,
        # The agreements are the terms of access: asked of those who hold some.
        "agreements_to_sign": [(v, signing_deadline(v)) for v in signable(person, today)]
        if grants
        else [],
        "enrollments": person.enrollments.filter(
            session__starts_at__gte=timezone.now()
        ).select_related("session__course", "session__facility"),
    }
    return render(request, "volunteers/portal_access.html", context)


@applicant_required
@require_GET
def my_sessions(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    mine = set(person.enrollments.values_list("session_id", flat=True))
    sessions = [(s, s.pk in mine) for s in open_sessions(person)]
    return render(request, "volunteers/portal_sessions.html", {"sessions": sessions})


@applicant_required
@require_POST
def sign_up(request: HttpRequest, session_id: int) -> HttpResponse:
    person = _person(request)
    session = get_object_or_404(open_sessions(person), pk=session_id)
    try:
        activation.enrol(session=session, person=person, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are signed up."))
    return redirect("volunteers_portal:sessions")


@applicant_required
@require_POST
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    person = _person(request)
    enrollment = get_object_or_404(person.enrollments, session_id=session_id)
    try:
        activation.cancel_enrolment(enrollment=enrollment, by=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are no longer signed up."))
    return redirect("volunteers_portal:sessions")


def _own_grant(request: HttpRequest, grant_id: int, *statuses: str) -> FacilityAccess:
    """One of the signed-in volunteer's own activated grants; anyone else's is a 404."""
    grant = get_object_or_404(
        FacilityAccess.objects.select_related("person", "facility", "application").filter(
            person=_person(request), badge_number__isnull=False, status__in=statuses
        ),
        pk=grant_id,
    )
    if not grant.badge_number:
        raise Http404("No document before activation.")
    return grant


def _download(
    request: HttpRequest, grant: FacilityAccess, content: bytes, name: str
) -> HttpResponse:
    # The same audit row as a coordinator's download of the same document.
    record(
        by=request.user,
        action="screening.document_downloaded",
        target=grant,
        facility=grant.facility,
        details={"document": name, "by_volunteer": True},
    )
    return pdf_response(content, f"{name}-{grant.badge_number}.pdf")


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def my_approval_letter(request: HttpRequest, grant_id: int) -> HttpResponse:
    from volunteers.pdf import approval_letter_pdf

    # The letter is a record of the approval: it stays downloadable after the access ends.
    grant = _own_grant(request, grant_id, *AccessStatus.values)
    return _download(request, grant, approval_letter_pdf(grant), "approval-letter")


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def my_badge_sheet(request: HttpRequest, grant_id: int) -> HttpResponse:
    from volunteers.pdf import badge_sheet_pdf

    # A badge printed for suspended, expired or ended access would mislead the gate.
    grant = _own_grant(request, grant_id, AccessStatus.ACTIVE)
    return _download(request, grant, badge_sheet_pdf(grant), "badge")
