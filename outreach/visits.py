"""Program visits (DESIGN rule 7): a visitor's request, the coordinator's scheduling and
recording, the allowance before an application is required, and the start of one."""

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts import ratelimit
from accounts.languages import rendered_language
from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from applications.models import Application, Language, ProgramArea
from applications.services import person_for_login, prefill_identity, start_application
from audit.services import record
from facilities.models import Facility, Membership, ProgramSettings
from outreach.models import (
    ProgramVisit,
    VisitRequest,
    VisitRequestStatus,
    VisitStatus,
)

REQUESTS_PER_ADDRESS = 3
REQUESTS_PER_IP = 10
REQUEST_WINDOW_SECONDS = 60 * 60


class VisitError(Exception):
    """A visit action that is not allowed (the message says why)."""


class TooManyRequests(VisitError):
    pass


class VisitLimitReached(VisitError):
    pass


@dataclass(frozen=True)
class Tally:
    """A visitor's visits at one facility against the allowance there."""

    made: int
    booked: int
    allowed: int

    @property
    def at_limit(self) -> bool:
        return self.made + self.booked >= self.allowed

    @property
    def remaining(self) -> int:
        return max(self.allowed - self.made - self.booked, 0)


def allowed_visits(facility: Facility) -> int:
    """The facility's override, or the program default."""
    return facility.program_visits_allowed(ProgramSettings.load())


def tally(facility: Facility, email: str) -> Tally:
    """Visits made and still booked by this e-mail address at `facility` (over all of the
    visitor's requests there: a second request does not restart the count)."""
    rows = (
        ProgramVisit.objects.of_visitor(facility, email).counted().values_list("status", flat=True)
    )
    statuses = list(rows)
    return Tally(
        made=statuses.count(VisitStatus.MADE),
        booked=statuses.count(VisitStatus.SCHEDULED),
        allowed=allowed_visits(facility),
    )


def status_url(visit_request: VisitRequest) -> str:
    return reverse("visits:status", args=[visit_request.token])


def _coordinator_emails(facility: Facility) -> list[str]:
    return sorted(
        Membership.objects.filter(facility=facility, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _written(value: Any) -> Any:
    """A context value as the active language writes it (dates, times, lazy labels)."""
    if isinstance(value, date):
        return formats.date_format(value)
    if isinstance(value, time):
        return formats.time_format(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def _mail_visitor(visit_request: VisitRequest, template: str, **context: Any) -> None:
    """Mail the visitor in the language they asked in (dates, times and labels in
    `context` are written out in it too)."""
    found = tally(visit_request.facility, visit_request.email)
    language = rendered_language(visit_request.language)
    with translation.override(language):
        written = {name: _written(value) for name, value in context.items()}
    send_templated_email.enqueue(
        to=[visit_request.email],
        template=template,
        context={
            "name": visit_request.first_name,
            "facility": visit_request.facility.name,
            "status_path": status_url(visit_request),
            "made": found.made,
            "allowed": found.allowed,
            **written,
        },
        language=language,
    )


def request_visit(
    *,
    facility: Facility,
    cleaned: dict[str, Any],
    ip: str,
    honeypot: bool = False,
    language: str = "",
) -> VisitRequest | None:
    """Record a visitor's request and mail them (with their status link) and the facility's
    coordinators, on commit. Rate-limited per address and per IP; a filled honeypot is
    answered as a success (a bot learns nothing) and stores nothing. The visitor's mail is
    in `language`, the one they asked in."""
    email = normalize_email(cleaned["email"])
    if ratelimit.is_limited("visit_request_email", email, limit=REQUESTS_PER_ADDRESS) or (
        ip and ratelimit.is_limited("visit_request_ip", ip, limit=REQUESTS_PER_IP)
    ):
        raise TooManyRequests(
            _("Too many visit requests were sent. Wait an hour, or call the facility.")
        )
    ratelimit.hit("visit_request_email", email, window_seconds=REQUEST_WINDOW_SECONDS)
    if ip:
        ratelimit.hit("visit_request_ip", ip, window_seconds=REQUEST_WINDOW_SECONDS)
    if honeypot:
        return None
    if not facility.is_open:
        raise VisitError(_("This facility is closed and takes no visits."))
    with transaction.atomic():
        visit_request = VisitRequest.objects.create(
            facility=facility,
            first_name=cleaned["first_name"],
            last_name=cleaned["last_name"],
            email=email,
            phone=str(cleaned["phone"].as_e164 if cleaned.get("phone") else ""),
            programs=list(cleaned["programs"]),
            preferred_dates=[d.isoformat() for d in cleaned["preferred_dates"]],
            message=cleaned.get("message", ""),
            language=language if language in Language.values else Language.ENGLISH,
        )
        record(by=None, action="outreach.visit_requested", target=visit_request, facility=facility)
        coordinators = _coordinator_emails(facility)
        transaction.on_commit(lambda: _mail_visitor(visit_request, "visit_requested"))
        if coordinators:
            transaction.on_commit(
                lambda: send_templated_email.enqueue(
                    to=coordinators,
                    template="visit_request_new",
                    context={
                        "name": visit_request.full_name,
                        "facility": facility.name,
                        "inbox_path": reverse("visits_staff:inbox", args=[facility.code]),
                    },
                )
            )
    return visit_request


@transaction.atomic
def schedule_visit(
    *,
    visit_request: VisitRequest,
    on: date,
    at: time,
    program: str,
    escort: User,
    by: Any,
) -> ProgramVisit:
    """Book one visit; refused at the allowance (made and booked visits count), for a
    declined request, and for an escort who is not staff at the facility. Mails the visitor."""
    visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    facility = visit_request.facility
    if visit_request.status == VisitRequestStatus.DECLINED:
        raise VisitError(_("This request was declined."))
    if on < timezone.localdate():
        raise VisitError(_("Choose a date that is not in the past."))
    if not Membership.objects.filter(facility=facility, user=escort).exists():
        raise VisitError(_("The escort must be a staff member of this facility."))
    found = tally(facility, visit_request.email)
    if found.at_limit:
        raise VisitLimitReached(
            _(
                "This visitor has used all %(allowed)s program visits here; "
                "they are invited to apply."
            )
            % {"allowed": found.allowed}
        )
    visit = ProgramVisit.objects.create(
        request=visit_request,
        facility=facility,
        on=on,
        at=at,
        program=program,
        escort=escort,
        scheduled_by=by,
    )
    if visit_request.status != VisitRequestStatus.SCHEDULED:
        visit_request.status = VisitRequestStatus.SCHEDULED
        visit_request.save(update_fields=["status"])
    record(by=by, action="outreach.visit_scheduled", target=visit_request, facility=facility)
    transaction.on_commit(
        lambda: _mail_visitor(
            visit_request,
            "visit_scheduled",
            on=visit.on,
            at=visit.at,
            program=ProgramArea(visit.program).label,
        )
    )
    return visit


@transaction.atomic
def record_visit(*, visit: ProgramVisit, made: bool, by: Any) -> ProgramVisit:
    """Record a booked visit as made or missed (a made visit counts against the allowance)."""
    visit = ProgramVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.SCHEDULED:
        raise VisitError(_("This visit was already recorded."))
    visit.status = VisitStatus.MADE if made else VisitStatus.MISSED
    visit.recorded_by = by
    visit.recorded_at = timezone.now()
    visit.save(update_fields=["status", "recorded_by", "recorded_at"])
    record(
        by=by,
        action=f"outreach.visit_{visit.status}",
        target=visit.request,
        facility=visit.facility,
    )
    if made and tally(visit.facility, visit.request.email).at_limit:
        transaction.on_commit(lambda: _mail_visitor(visit.request, "visit_limit_reached"))
    return visit


@transaction.atomic
def decline_visit_request(*, visit_request: VisitRequest, reason: str, by: Any) -> VisitRequest:
    """Decline a request with a reason the visitor is told."""
    visit_request = VisitRequest.objects.select_for_update().get(pk=visit_request.pk)
    if visit_request.status == VisitRequestStatus.DECLINED:
        raise VisitError(_("This request was already declined."))
    if not reason.strip():
        raise VisitError(_("Give a reason."))
    visit_request.status = VisitRequestStatus.DECLINED
    visit_request.decline_reason = reason.strip()
    visit_request.declined_by = by
    visit_request.declined_at = timezone.now()
    visit_request.save(update_fields=["status", "decline_reason", "declined_by", "declined_at"])
    record(
        by=by,
        action="outreach.visit_request_declined",
        target=visit_request,
        facility=visit_request.facility,
    )
    transaction.on_commit(
        lambda: _mail_visitor(visit_request, "visit_declined", reason=visit_request.decline_reason)
    )
    return visit_request


@transaction.atomic
def start_application_from_visit(
    *, visit_request: VisitRequest, user: Any, kind: str
) -> Application:
    """Start a draft at the request's facility for the signed-in visitor, carrying their name,
    e-mail and phone into section 1, and link the request to their person."""
    person = person_for_login(user=user, language=visit_request.language)
    application = start_application(
        by=user, person=person, facility=visit_request.facility, kind=kind
    )
    prefill_identity(
        person=person,
        values={
            "first_name": visit_request.first_name,
            "last_name": visit_request.last_name,
            "email": visit_request.email,
            "phone": visit_request.phone,
        },
        by=user,
    )
    VisitRequest.objects.filter(pk=visit_request.pk).update(person=person)
    return application


def visits_of_person_at(
    facility: Facility, email: str, person_id: int | None
) -> QuerySet[VisitRequest]:
    """A person's visit requests at a facility: linked to them, or made with their e-mail."""
    found = Q(email__iexact=email) if email else Q(pk__in=[])
    if person_id is not None:
        found |= Q(person_id=person_id)
    return (
        VisitRequest.objects.filter(found, facility=facility)
        .select_related("facility")
        .prefetch_related("visits__escort")
    )
