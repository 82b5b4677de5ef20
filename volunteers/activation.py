"""Writes for trainings, sessions, TB tests, activation, the contact upgrade and the access
lifecycle. Each is audited or appended to the grant's event log; mail goes on commit."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.languages import rendered_language
from accounts.models import User
from accounts.tasks import send_templated_email
from applications import age
from applications.models import AccessLevel, Person
from audit.services import record
from facilities.models import Facility, ProgramSettings
from volunteers import compliance_dates
from volunteers.compliance import access_validity_end, activation_problems, add_months
from volunteers.errors import GateClosed, VolunteerError
from volunteers.models import (
    LIVE_ACCESS,
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    BadgeCounter,
    Course,
    Enrollment,
    FacilityAccess,
    TBTest,
    TrainingCompletion,
    TrainingSession,
)


def _user(by: Any) -> User | None:
    return by if isinstance(by, User) else None


# Trainings ------------------------------------------------------------------------------


@transaction.atomic
def record_completion(
    *,
    person: Person,
    course: Course,
    completed_on: date,
    by: Any,
    hours: Decimal | None = None,
    facility: Facility | None = None,
    session: TrainingSession | None = None,
) -> TrainingCompletion:
    """Record that `person` completed `course` (at `facility` for a per-facility course)."""
    if completed_on > age.today():
        raise VolunteerError(_("A completion cannot be in the future."))
    if course.per_facility and facility is None:
        raise VolunteerError(_("Say at which facility this was completed."))
    # The person first, as signing does: their grants' dates are refreshed below.
    Person.objects.select_for_update().get(pk=person.pk)
    completion = TrainingCompletion.objects.create(
        person=person,
        course=course,
        facility=facility if course.per_facility else None,
        completed_on=completed_on,
        hours=hours if hours is not None else course.hours,
        session=session,
        recorded_by=_user(by),
    )
    compliance_dates.refresh(people=[person.pk])
    return completion


@transaction.atomic
def schedule_session(
    *,
    by: Any,
    course: Course,
    facility: Facility | None,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
) -> TrainingSession:
    """A facility's session, or a statewide one when `facility` is None."""
    if ends_at <= starts_at:
        raise VolunteerError(_("The session must end after it starts."))
    return TrainingSession.objects.create(
        course=course,
        facility=facility,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        created_by=_user(by),
    )


def may_attend(session: TrainingSession, person: Person) -> bool:
    """A facility's session is for people with live access there; a statewide one for
    everyone pending activation."""
    grants = FacilityAccess.objects.filter(person=person)
    if session.facility_id is None:
        return grants.filter(status=AccessStatus.PENDING_ACTIVATION).exists()
    return grants.live().filter(facility_id=session.facility_id).exists()


@transaction.atomic
def enrol(*, session: TrainingSession, person: Person, by: Any) -> Enrollment:
    """Sign `person` up (themselves, or a coordinator for them); refused when full."""
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if session.starts_at <= timezone.now():
        raise VolunteerError(_("This session has already started."))
    if not may_attend(session, person):
        raise VolunteerError(_("This session is not open to this person."))
    if session.enrollments.filter(person=person).exists():
        raise VolunteerError(_("Already signed up for this session."))
    if session.enrollments.count() >= session.capacity:
        raise VolunteerError(_("This session is full."))
    try:
        with transaction.atomic():
            return Enrollment.objects.create(session=session, person=person, enrolled_by=_user(by))
    except IntegrityError:
        raise VolunteerError(_("Already signed up for this session.")) from None


@transaction.atomic
def cancel_enrolment(*, enrollment: Enrollment, by: Any) -> None:
    # Lock and re-read the session, as record_attendance does: never the caller's copy.
    session = TrainingSession.objects.select_for_update().get(pk=enrollment.session_id)
    if session.attendance_recorded_at is not None:
        raise VolunteerError(_("Attendance was already recorded for this session."))
    if session.starts_at <= timezone.now():
        # Once it has begun, staff record who came; nobody leaves the list quietly.
        raise VolunteerError(_("This session has already started."))
    enrollment.delete()


@transaction.atomic
def record_attendance(
    *, session: TrainingSession, attended: list[int], by: Any, on: date | None = None
) -> list[TrainingCompletion]:
    """Record the whole session at once: who attended (enrollment ids) gets a completion."""
    session = (
        TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    )
    if session.attendance_recorded_at is not None:
        raise VolunteerError(_("Attendance was already recorded for this session."))
    if session.starts_at > timezone.now():
        raise VolunteerError(_("Attendance is recorded after the session has started."))
    completed_on = on or timezone.localdate(session.starts_at)
    completions = []
    for enrollment in session.enrollments.select_related("person"):
        enrollment.attended = enrollment.pk in attended
        enrollment.save(update_fields=["attended"])
        if enrollment.attended:
            completions.append(
                record_completion(
                    person=enrollment.person,
                    course=session.course,
                    completed_on=completed_on,
                    by=by,
                    facility=session.facility,
                    session=session,
                )
            )
    session.attendance_recorded_at = timezone.now()
    session.save(update_fields=["attendance_recorded_at"])
    return completions


@transaction.atomic
def record_tb_test(
    *,
    person: Person,
    tested_on: date,
    result: str,
    by: Any,
    scan: Any = None,
    facility: Facility | None = None,
) -> TBTest:
    """Valid for the program's TB validity (12 months by default) from the test date; the
    scan belongs to `facility`, the one it was given for."""
    if tested_on > age.today():
        raise VolunteerError(_("A test date cannot be in the future."))
    Person.objects.select_for_update().get(pk=person.pk)  # as record_completion
    test = TBTest(
        person=person,
        tested_on=tested_on,
        result=result,
        valid_until=add_months(tested_on, ProgramSettings.load().tb_validity_months),
        recorded_by=_user(by),
        facility=facility,
    )
    if scan is not None:
        test.scan.save("scan", scan, save=False)
    test.save()
    compliance_dates.refresh(people=[person.pk])
    return test


# The access lifecycle -------------------------------------------------------------------


def move_access(
    *,
    grant: FacilityAccess,
    to: str,
    by: Any,
    text: str = "",
    kind: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> FacilityAccess:
    """The only writer of a grant's status: lock, refuse illegal moves, append the event
    (of `kind`, or the kind the move implies)."""
    locked = FacilityAccess.objects.select_for_update().get(pk=grant.pk)
    in_place = to == locked.status and kind in IN_PLACE_KINDS and locked.status in LIVE_ACCESS
    if not in_place and not locked.can_transition_to(to):
        raise VolunteerError(
            _("Access that is “%(status)s” cannot become “%(to)s”.")
            % {"status": locked.get_status_display(), "to": AccessStatus(to).label}
        )
    from_status = locked.status
    locked.status = to
    if not in_place:
        fields.setdefault("status_since", age.today())
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *fields])
    AccessEvent.objects.create(
        access=locked,
        kind=kind or implied_event_kind(from_status, to),
        data=data or {},
        actor=_user(by),
        actor_label=str(getattr(by, "email", "") or by or ""),
        from_status=from_status,
        to_status=to,
        text=text,
    )
    return locked


# Moves that keep the status (a renewal of active access, a level change, a re-check):
# allowed on live access, still appended to the log through move_access.
IN_PLACE_KINDS = frozenset(
    {
        AccessEventKind.RENEWED,
        AccessEventKind.LEVEL_CHANGED,
        AccessEventKind.RECHECK_RECORDED,
        AccessEventKind.NOTE,
    }
)


def implied_event_kind(from_status: str, to: str) -> str:
    """The event kind a status move means when the caller names none."""
    if to == AccessStatus.ACTIVE:
        return {
            AccessStatus.PENDING_ACTIVATION: AccessEventKind.ACTIVATED,
            AccessStatus.SUSPENDED: AccessEventKind.RESTORED,
            AccessStatus.EXPIRED: AccessEventKind.RENEWED,
        }.get(AccessStatus(from_status), AccessEventKind.NOTE)
    return {
        AccessStatus.SUSPENDED: AccessEventKind.SUSPENDED,
        AccessStatus.EXPIRED: AccessEventKind.EXPIRED,
        AccessStatus.ENDED: AccessEventKind.ENDED,
        AccessStatus.REVOKED: AccessEventKind.REVOKED,
    }.get(AccessStatus(to), AccessEventKind.NOTE)


def _next_badge(facility: Facility) -> str:
    """<facility code>-<5 digits>, sequential per facility; the counter row is locked."""
    counter, _created = BadgeCounter.objects.select_for_update().get_or_create(facility=facility)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{facility.code}-{counter.last:05d}"


@transaction.atomic
def activate_access(*, grant: FacilityAccess, by: Any, on: date | None = None) -> FacilityAccess:
    """Pass the second gate: badge number, start and expiry dates, the effective level by
    the age rule on the activation date. Mails the volunteer on commit."""
    on = on or age.today()
    grant = (
        FacilityAccess.objects.select_for_update(of=("self",))  # as lifecycle._locked
        .select_related("person", "facility")
        .get(pk=grant.pk)
    )
    missing = activation_problems(grant, on)
    if missing:
        raise GateClosed(missing)
    born = grant.person.date_of_birth
    assert born is not None
    level = AccessLevel.NO_CONTACT
    eligible_on = None
    if grant.level_approved == AccessLevel.CONTACT:
        if age.age_on(born, on) >= age.CONTACT_AGE:
            level = AccessLevel.CONTACT
        else:
            eligible_on = age.date_reaching(born, age.CONTACT_AGE)
    activated = move_access(
        grant=grant,
        to=AccessStatus.ACTIVE,
        by=by,
        text=_("Activated."),
        badge_number=grant.badge_number or _next_badge(grant.facility),
        starts_on=on,
        expires_on=access_validity_end(on),
        level_effective=level,
        contact_eligible_on=eligible_on,
    )
    record(
        by=by,
        action="screening.access_activated",
        target=activated,
        facility=activated.facility,
        details={"badge": activated.badge_number, "level": level},
    )
    transaction.on_commit(lambda: _mail_volunteer(activated, "access_activated"))
    return activated


@transaction.atomic
def upgrade_to_contact(*, grant: FacilityAccess, by: Any, on: date | None = None) -> FacilityAccess:
    """The contact upgrade: its own audited decision, refused before the 19th birthday and
    for grants approved at no contact."""
    on = on or age.today()
    grant = (
        FacilityAccess.objects.select_for_update(of=("self",))  # as lifecycle._locked
        .select_related("person", "facility")
        .get(pk=grant.pk)
    )
    if grant.status != AccessStatus.ACTIVE:
        raise VolunteerError(_("Only active access can be upgraded."))
    if grant.level_approved != AccessLevel.CONTACT:
        raise VolunteerError(_("This access was approved without offender contact."))
    if grant.level_effective == AccessLevel.CONTACT:
        raise VolunteerError(_("This access already allows offender contact."))
    born = grant.person.date_of_birth
    if born is None or age.age_on(born, on) < age.CONTACT_AGE:
        eligible = age.date_reaching(born, age.CONTACT_AGE) if born else None
        raise VolunteerError(
            _("Not before the 19th birthday (%(date)s).")
            % {"date": date_format(eligible) if eligible else "?"}
        )
    grant.level_effective = AccessLevel.CONTACT
    grant.contact_eligible_on = None
    grant.save(update_fields=["level_effective", "contact_eligible_on", "updated_at"])
    AccessEvent.objects.create(
        access=grant,
        kind=AccessEventKind.LEVEL_CHANGED,
        data={"from": AccessLevel.NO_CONTACT, "to": AccessLevel.CONTACT},
        actor=_user(by),
        actor_label=str(getattr(by, "email", "") or by or ""),
        from_status=grant.status,
        to_status=grant.status,
        text=_("Upgraded to offender contact."),
    )
    record(by=by, action="screening.contact_upgraded", target=grant, facility=grant.facility)
    transaction.on_commit(lambda: _mail_volunteer(grant, "contact_upgraded"))
    return grant


def _mail_volunteer(grant: FacilityAccess, template: str) -> None:
    person = grant.person
    if not person.email:
        return
    language = rendered_language(person.preferred_language)
    with translation.override(language):  # the level's label in the volunteer's language
        level = str(AccessLevel(grant.level_effective or grant.level_approved).label)
    send_templated_email.enqueue(
        to=[person.email],
        template=template,
        context={
            "name": person.first_name or person.full_name,
            "facility": grant.facility.name,
            "badge": grant.badge_number or "",
            "level": level,
            "expires_on": grant.expires_on.isoformat() if grant.expires_on else "",
            "contact_eligible_on": (
                grant.contact_eligible_on.isoformat() if grant.contact_eligible_on else ""
            ),
            "url": reverse("volunteers_portal:access"),
        },
        language=language,
    )
