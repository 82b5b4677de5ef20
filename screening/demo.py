"""Demo applications in every status at the demo facilities, built through the services."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, Kind, Person
from applications.samples import answer_section, sample_answers
from applications.services import (
    add_document,
    person_for_login,
    request_information,
    start_application,
    submit_application,
    withdraw_application,
)
from facilities.models import Facility, ProgramSettings
from screening import services
from screening.models import CheckOutcome, CheckType, StepKind, StepState
from volunteers import activation, kiosk
from volunteers import services as volunteer_services
from volunteers.compliance import add_months
from volunteers.demo_agreements import publish_demo_agreements
from volunteers.models import Course, FacilityAccess, HourSource
from volunteers.services import approve_hour_entry, create_hour_entry

SAMPLE_PDF = b"%PDF-1.4\n% demo letter\n"


def _applicant(first: str, last: str) -> Person:
    email = f"{first.lower()}.{last.lower()}@demo.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
    return person_for_login(user=user)


def _draft(
    facility: Facility,
    kind: str,
    first: str,
    last: str,
    *,
    born: date = date(1975, 3, 14),
    complete: bool = True,
    overrides: dict[str, dict[str, str]] | None = None,
) -> Application:
    person = _applicant(first, last)
    application = start_application(by=person.user, person=person, facility=facility, kind=kind)
    answers = sample_answers(kind, born=born, first=first, last=last)
    for slug, data in (overrides or {}).items():
        answers[slug] = {**answers[slug], **data}
    answers[S.IDENTITY]["email"] = person.email
    answers[S.IDENTITY].pop("ssn", None)
    for slug, data in answers.items():
        if not complete and slug not in (S.IDENTITY, S.PLACEMENT):
            break
        application = answer_section(application, slug, data)
    if complete and kind == Kind.STUDENT_INTERN:
        add_document(
            application=application,
            kind="school_letter",
            upload=SimpleUploadedFile("school-letter.pdf", SAMPLE_PDF),
            content_type="application/pdf",
            by=person.user,
        )
    return application


def _submitted(*args: Any, days_ago: int = 2, **kwargs: Any) -> Application:
    application = _draft(*args, **kwargs)
    when = timezone.now() - timedelta(days=days_ago)
    return submit_application(application=application, by=application.person.user, now=when)


def _in_review(
    coordinator: User, *args: Any, passed: tuple[str, ...] = (), **kwargs: Any
) -> Application:
    application = services.start_review(application=_submitted(*args, **kwargs), by=coordinator)
    today = age.today()
    for step in application.screening_steps.all():
        if step.step_kind == StepKind.BACKGROUND_CHECK and step.step_kind in passed:
            for check in (CheckType.MULES, CheckType.NCIC):
                services.add_background_check(
                    step=step,
                    by=coordinator,
                    performed_by="Missouri State Highway Patrol",
                    check_type=check,
                    run_on=today - timedelta(days=1),
                    outcome=CheckOutcome.CLEARED,
                    reference=f"{check.upper()}-{application.pk:04d}",
                )
        if step.step_kind in passed:
            services.record_step(
                step=step,
                by=coordinator,
                state=StepState.PASSED,
                occurred_on=today,
                conducted_by=str(coordinator),
            )
    return application


def _corrected_check(application: Application, coordinator: User) -> None:
    """A MULES check that came back for review, superseded by a cleared re-run: the step's
    history shows both, and the step can now be marked passed."""
    today = age.today()
    step = application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)
    first = services.add_background_check(
        step=step,
        by=coordinator,
        check_type=CheckType.MULES,
        run_on=today - timedelta(days=9),
        outcome=CheckOutcome.NEEDS_REVIEW,
        performed_by="Missouri State Highway Patrol",
        reference=f"MULES-{application.pk:04d}",
    )
    services.record_rerun(
        check=first,
        by=coordinator,
        run_on=today - timedelta(days=2),
        outcome=CheckOutcome.CLEARED,
        performed_by="Missouri State Highway Patrol",
        reference=f"MULES-{application.pk:04d}-R",
        reason="The first hit was a different person of the same name; "
        "the re-run with the date of birth cleared.",
    )


ALL_STEPS = (
    "completeness",
    "background_check",
    "interview",
    "school_verification",
    "organisation_verification",
)


@transaction.atomic
def create_demo_applications(coordinators: dict[str, User]) -> int:
    """Applications in every status (idempotent: does nothing once the demo people exist)."""
    if Person.objects.filter(email="jordan.rivera@demo.test").exists():
        return 0
    acc, bcc, pp02, ccc = (Facility.objects.get(code=c) for c in ("ACC", "BCC", "PP02", "CCC"))
    iac = coordinators["ACC"]
    today = age.today()
    eighteen = today.replace(year=today.year - 18) - timedelta(days=30)

    _draft(acc, Kind.VOLUNTEER, "Riley", "Chen", complete=False)
    _submitted(acc, Kind.VOLUNTEER, "Jordan", "Rivera", days_ago=41)
    _submitted(acc, Kind.VOLUNTEER, "Maria", "Lopez", born=eighteen, days_ago=3)
    samuel = _in_review(
        iac,
        acc,
        Kind.VOLUNTEER,
        "Samuel",
        "Okafor",
        passed=("completeness",),
        days_ago=12,
        overrides={
            S.CRIMINAL_HISTORY: {
                "has_record": "yes",
                "entries-TOTAL_FORMS": "1",
                "entries-0-date": "1998-07-04",
                "entries-0-place": "Columbia, Boone County, MO",
                "entries-0-offence": "Minor in possession",
                "entries-0-disposition": "Fine paid",
            }
        },
    )
    _corrected_check(samuel, iac)
    asked = _in_review(
        iac, acc, Kind.VOLUNTEER, "Dana", "Whitfield", passed=("completeness",), days_ago=20
    )
    request_information(
        application=asked,
        by=iac,
        message="Please add the name and phone of "
        "a reference who has known you for at least two years.",
        sections=[S.ORGANISATION],
        due_on=today + timedelta(days=30),
    )
    ready = _in_review(iac, acc, Kind.VOLUNTEER, "Priya", "Patel", passed=ALL_STEPS, days_ago=25)
    services.approve_application(application=ready, by=iac, level="contact")
    ready_too = _in_review(iac, acc, Kind.VOLUNTEER, "Omar", "Haddad", passed=ALL_STEPS, days_ago=9)
    del ready_too  # left in review with every step passed: ready for an approval
    declined = _submitted(acc, Kind.VOLUNTEER, "Tom", "Becker", days_ago=30)
    services.decline_application(
        application=declined,
        by=iac,
        reason="incomplete",
        note="The application was missing the signed acknowledgments.",
    )
    withdrawn = _submitted(acc, Kind.VOLUNTEER, "Lee", "Kim", days_ago=15)
    withdraw_application(application=withdrawn, by=withdrawn.person.user, reason="Moving away.")
    _submitted(
        acc,
        Kind.REENTRY_PARTNER,
        "Marcus",
        "Hill",
        days_ago=5,
        overrides={
            S.RELATIONSHIPS: {
                "has_relationships": "yes",
                "entries-TOTAL_FORMS": "1",
                "entries-0-name": "Darnell Hill",
                "entries-0-doc_number": "1184422",
                "entries-0-relationship": "Brother",
                "entries-0-facility": str(acc.pk),
            }
        },
    )
    _submitted(bcc, Kind.STUDENT_INTERN, "Ava", "Brooks", days_ago=6)
    # A second representative of the organization Marcus Hill named (the registry links them).
    _submitted(bcc, Kind.REENTRY_PARTNER, "Keisha", "Grant", days_ago=4)
    _in_review(
        coordinators["PP02"],
        pp02,
        Kind.VOLUNTEER,
        "Grace",
        "Nguyen",
        passed=("completeness", "background_check"),
        days_ago=8,
    )
    _submitted(ccc, Kind.VOLUNTEER, "Helen", "Ortiz", days_ago=1)
    _demo_activation(acc, iac, ready)
    _demo_lifecycle(acc, iac)
    # After the lifecycle demo, so its renewal predates the agreements; all sign them.
    publish_demo_agreements(by="manage.py demo")
    return Application.objects.count()


def _years_ago(today: date, years: int, days: int = 0) -> date:
    return today.replace(year=today.year - years) - timedelta(days=days)


def _complete(
    person: Person,
    facility: Facility,
    by: User,
    on: date,
    codes: tuple[str, ...] = ("volunteer-orientation", "prea", "facility-orientation"),
) -> None:
    for code in codes:
        activation.record_completion(
            person=person,
            course=Course.objects.get(code=code),
            completed_on=on,
            by=by,
            facility=facility,
        )
    activation.record_tb_test(person=person, tested_on=on, result="negative", by=by)


def _demo_kiosk_visit(grant: Any, iac: User, today: date) -> None:
    """The front desk's kiosk: yesterday's visit, signed in and out, hours pending approval."""
    device, _token = kiosk.enrol_device(facility=grant.facility, name="Front desk tablet", by=iac)
    yesterday = today - timedelta(days=1)
    # One of the volunteer's own areas: any other and the kiosk asks which (the demo's
    # approved hours give Carlos two), leaving the visit open.
    area = kiosk.program_areas(grant)[0]
    for clock, wanted in ((time(9, 4), "signed_in"), (time(12, 10), "signed_out")):
        result = kiosk.scan_badge(
            device=device,
            entered=grant.badge_number,
            program_area=area,
            now=timezone.make_aware(datetime.combine(yesterday, clock)),
        )
        if result.outcome != wanted:
            raise RuntimeError(f"demo kiosk visit: {result.outcome}, not {wanted}")


def _demo_activation(acc: Facility, iac: User, pending: Application) -> None:
    """Pending activation with sessions to join; active with badges; a contact upgrade due."""
    today = age.today()
    pending_grant = FacilityAccess.objects.get(application=pending)
    activation.record_completion(
        person=pending_grant.person,
        by=iac,
        course=Course.objects.get(code="prea"),
        completed_on=today,
    )
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    activation.schedule_session(
        by="manage.py demo",
        course=Course.objects.get(code="volunteer-orientation"),
        facility=None,
        place="Central office training room, 2729 Plaza Drive, Jefferson City",
        starts_at=start + timedelta(days=7),
        ends_at=start + timedelta(days=7, hours=8),
        capacity=30,
    )
    activation.schedule_session(
        by=iac,
        course=Course.objects.get(code="facility-orientation"),
        facility=acc,
        place="Algoa Correctional Center, visiting room",
        starts_at=start + timedelta(days=10),
        ends_at=start + timedelta(days=10, hours=2),
        capacity=12,
    )

    # Active, with a PREA training that comes due within the reminder window.
    carlos = _in_review(
        iac,
        acc,
        Kind.VOLUNTEER,
        "Carlos",
        "Mendez",
        passed=ALL_STEPS,
        days_ago=400,
        born=date(1971, 9, 2),
    )
    grant = services.approve_application(application=carlos, by=iac, level="contact")
    started = today - timedelta(days=330)
    _complete(carlos.person, acc, iac, started)
    carlos_grant = activation.activate_access(grant=grant, by=iac, on=started)
    _demo_hours(carlos_grant, iac)
    _demo_kiosk_visit(carlos_grant, iac, today)

    # Activated at 18 without contact; the 19th birthday was ten days ago: upgrade due.
    noah = _in_review(
        iac,
        acc,
        Kind.VOLUNTEER,
        "Noah",
        "Reed",
        passed=ALL_STEPS,
        days_ago=60,
        born=_years_ago(today, 19, days=10),
    )
    grant = services.approve_application(application=noah, by=iac, level="contact")
    started = today - timedelta(days=30)
    _complete(noah.person, acc, iac, started)
    activation.activate_access(grant=grant, by=iac, on=started)


def _active_since(iac: User, acc: Facility, first: str, last: str, started: date) -> FacilityAccess:
    """An approved volunteer activated on `started`, everything done that day."""
    application = _in_review(
        iac, acc, Kind.VOLUNTEER, first, last, passed=ALL_STEPS, days_ago=30, born=date(1975, 4, 9)
    )
    grant = services.approve_application(application=application, by=iac, level="contact")
    _complete(application.person, acc, iac, started)
    return activation.activate_access(grant=grant, by=iac, on=started)


def _demo_lifecycle(acc: Facility, iac: User) -> None:
    """A renewal, a suspension and its restoration, and an ended grant (issue 9 §2)."""
    today = age.today()
    validity = ProgramSettings.load().access_validity_months

    # Expiring within the renewal window: re-checked, trained, renewed from the old expiry.
    grace = _active_since(iac, acc, "Grace", "Holt", add_months(today, 1 - validity))
    volunteer_services.record_recheck(
        grant=grace,
        by=iac,
        check_type=CheckType.MULES,
        run_on=today,
        outcome=CheckOutcome.CLEARED,
        performed_by="Missouri State Highway Patrol",
    )
    _complete(grace.person, acc, iac, today, codes=("prea",))
    activation.record_completion(
        person=grace.person,
        course=Course.objects.get(code="annual-in-service"),
        completed_on=today,
        hours=Decimal("6"),
        by=iac,
    )
    volunteer_services.renew_access(grant=grace, by=iac)

    # Suspended pending a review, then restored.
    marcus = _active_since(iac, acc, "Marcus", "Bell", today - timedelta(days=100))
    volunteer_services.suspend_access(
        grant=marcus,
        by=iac,
        reason="Left the visiting room without an escort; under review.",
        review_on=today + timedelta(days=14),
    )
    volunteer_services.restore_access(grant=marcus, by=iac, note="Reviewed with the volunteer.")

    # Moved away: ended, badge returned; the grant stays as history.
    ruth = _active_since(iac, acc, "Ruth", "Adeyemi", today - timedelta(days=200))
    volunteer_services.end_access(
        grant=ruth,
        by=iac,
        exit_note="Moved out of state.",
        badge_returned=True,
        badge_returned_on=today,
    )


def _demo_hours(grant: FacilityAccess, iac: User) -> None:
    """Service hours: logged by the volunteer and approved, entered by staff, one pending."""
    today = age.today()
    user = grant.person.user
    for days_ago, hours, area in ((60, "2.5", "education"), (30, "3", "education")):
        entry = create_hour_entry(
            access=grant,
            worked_on=today - timedelta(days=days_ago),
            program_area=area,
            hours=hours,
            source=HourSource.PORTAL,
            by=user,
            note="GED tutoring",
        )
        approve_hour_entry(entry=entry, by=iac)
    create_hour_entry(
        access=grant,
        worked_on=today - timedelta(days=14),
        program_area="mentoring",
        hours="1.5",
        source=HourSource.STAFF,
        by=iac,
        approve=True,
    )
    create_hour_entry(
        access=grant,
        worked_on=today - timedelta(days=2),
        program_area="education",
        hours="2",
        source=HourSource.PORTAL,
        by=user,
        note="Reading group",
    )
