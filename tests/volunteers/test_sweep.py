"""The daily sweep: idempotent; each reminder once at 60 and at 7 days; lapsed access
expires by itself; contact eligibility and overdue information requests reach the
coordinators' digest once (DESIGN rule 8 and "Date-driven work")."""

from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import AccessLevel
from applications.services import request_information
from facilities.models import Facility, ProgramSettings, Role
from screening import services
from tests.conftest import member
from tests.dates import long_date
from tests.factories import FacilityFactory, submitted_application
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    PREA,
    VOLUNTEER_ORIENTATION,
    active_grant,
    born_turning,
    complete,
    course,
    grant_at,
    not_leap_day,
    outbox_to,
)
from volunteers import activation
from volunteers.compliance import add_months
from volunteers.jobs import suspension_reviews
from volunteers.models import AccessStatus, Course, FacilityAccess, Reminder, SweepRun
from volunteers.services import restore_access, suspend_access
from volunteers.sweep import Digest, daily_jobs, run_daily

pytestmark = pytest.mark.django_db

Sweep = Callable[[date], dict[str, Any] | None]


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Sweep:
    """run_daily as cron runs it: committed, so its e-mail goes out."""

    def run(day: date) -> dict[str, Any] | None:
        with django_capture_on_commit_callbacks(execute=True):
            return run_daily(today=day)

    return run


@pytest.fixture
def office(db: Any) -> Facility:
    """A facility that needs no TB test: only the trainings come due."""
    return FacilityFactory.create(
        code="KCCSC", name="Kansas City Community Supervision Center", tb_test_required=False
    )


@pytest.fixture
def coordinator(office: Facility) -> User:
    return member(office, Role.SITE_COORDINATOR)


def volunteer_with_prea_expiring(
    office: Facility, coordinator: User
) -> tuple[FacilityAccess, date]:
    """An active volunteer whose PREA training (done once) expires in 60 days."""
    grant = grant_at(office, by=coordinator)
    complete(grant, by=coordinator, skip=(PREA,), tb=None)
    completed = add_months(age.today() + timedelta(days=60), -12)
    activation.record_completion(
        person=grant.person, course=course(PREA), completed_on=completed, by=coordinator
    )
    activation.activate_access(grant=grant, by=coordinator)
    grant.refresh_from_db()
    # 60 days from today, unless the month arithmetic clamps it (29 February).
    return grant, add_months(completed, 12)


def lines_of(message: mail.EmailMessage) -> list[str]:
    return [line[2:] for line in message.body.splitlines() if line.startswith("- ")]


# Idempotent ------------------------------------------------------------------------------


def test_a_second_run_the_same_day_changes_nothing(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant = active_grant(office, by=coordinator, on=age.today())
    day = grant.expires_on + timedelta(days=1)  # the access lapses, reminders fall due
    mail.outbox.clear()

    first = sweep(day)
    assert first is not None
    assert first["expire_access"] == 1
    sent, reminders = len(mail.outbox), Reminder.objects.count()
    assert sent > 0
    events = grant.events.count()

    assert sweep(day) is None
    assert len(mail.outbox) == sent
    assert Reminder.objects.count() == reminders
    assert grant.events.count() == events
    assert SweepRun.objects.filter(day=day).count() == 1


def test_the_command_prints_the_summary_then_already_ran(db: Any) -> None:
    out = StringIO()
    call_command("run_daily", date="2027-03-04", stdout=out)
    assert out.getvalue().strip() == (
        "Sweep for 2027-03-04 done (expire_access: 0, contact_eligibility: 0, "
        "expiring_items: 0, flag_inactivity: 0, close_open_visits: 0, "
        "agreement_reminders: 0, suspension_reviews: 0, overdue_information_requests: 0, "
        "emails: 0)."
    )

    again = StringIO()
    call_command("run_daily", date="2027-03-04", stdout=again)
    assert again.getvalue().strip() == "The sweep for 2027-03-04 already ran; nothing to do."
    assert SweepRun.objects.get().day == date(2027, 3, 4)


def test_the_command_refuses_a_malformed_date(db: Any) -> None:
    with pytest.raises(CommandError, match="--date"):
        call_command("run_daily", date="4 March 2027")
    assert not SweepRun.objects.exists()


def test_the_command_runs_for_today_by_default(db: Any) -> None:
    out = StringIO()
    call_command("run_daily", stdout=out)
    assert f"Sweep for {age.today()} done" in out.getvalue()


# Reminders at 60 and 7 days, each once -----------------------------------------------------


def test_each_reminder_goes_out_once_at_60_and_at_7_days(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant, expires = volunteer_with_prea_expiring(office, coordinator)
    person = grant.person
    start = expires - timedelta(days=60)
    line = f"PREA training expires on {long_date(expires)} ({office.name})."
    mail.outbox.clear()

    # 60 days left: the person gets one e-mail, the coordinator one digest.
    summary = sweep(start)
    assert summary is not None
    assert summary["expiring_items"] == 1
    assert summary["emails"] == 2
    (to_person,) = outbox_to(person.email)
    assert lines_of(to_person) == [line]
    assert to_person.subject == "PIC Portal: items coming due"
    (digest,) = outbox_to(coordinator.email)
    assert lines_of(digest) == [f"{person}: {line}"]
    assert len(mail.outbox) == 2

    # 59 to 8 days left: nothing more for it.
    for offset in range(1, 53):
        assert sweep(start + timedelta(days=offset))["emails"] == 0, offset
    assert len(mail.outbox) == 2

    # 7 days left: exactly one more each.
    mail.outbox.clear()
    summary = sweep(start + timedelta(days=53))
    assert (expires - (start + timedelta(days=53))).days == 7
    assert summary["expiring_items"] == 1
    assert [m.to for m in mail.outbox if m.to == [person.email]] == [[person.email]]
    assert [lines_of(m) for m in outbox_to(coordinator.email)] == [[f"{person}: {line}"]]
    assert len(mail.outbox) == 2

    # Then nothing until it expires, nor after.
    mail.outbox.clear()
    for offset in range(54, 65):
        assert sweep(start + timedelta(days=offset))["emails"] == 0, offset
    assert mail.outbox == []
    # Two thresholds, each for the person and for the facility's coordinators.
    assert Reminder.objects.count() == 4


def test_a_renewed_completion_gets_fresh_reminders(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant, expires = volunteer_with_prea_expiring(office, coordinator)
    sweep(expires - timedelta(days=60))
    sweep(expires - timedelta(days=7))

    renewed_on = age.today()
    activation.record_completion(
        person=grant.person, course=course(PREA), completed_on=renewed_on, by=coordinator
    )
    renewed_expiry = add_months(renewed_on, 12)
    mail.outbox.clear()

    sweep(renewed_expiry - timedelta(days=60))
    (reminder,) = outbox_to(grant.person.email)
    assert lines_of(reminder) == [
        f"PREA training expires on {long_date(renewed_expiry)} ({office.name})."
    ]
    assert len(outbox_to(coordinator.email)) == 1

    mail.outbox.clear()
    sweep(renewed_expiry - timedelta(days=7))
    assert len(outbox_to(grant.person.email)) == 1
    assert len(outbox_to(coordinator.email)) == 1


def test_a_skipped_day_still_sends_the_reminder_once(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant, expires = volunteer_with_prea_expiring(office, coordinator)
    mail.outbox.clear()

    sweep(expires - timedelta(days=58))  # the timer was off on the 60th and 59th days
    sweep(expires - timedelta(days=57))

    assert len(outbox_to(grant.person.email)) == 1


def test_the_reminder_window_comes_from_the_program_settings(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    settings = ProgramSettings.load()
    settings.reminder_window_days = 30
    settings.save()
    grant, expires = volunteer_with_prea_expiring(office, coordinator)
    mail.outbox.clear()

    sweep(expires - timedelta(days=60))
    sweep(expires - timedelta(days=31))
    assert mail.outbox == []
    sweep(expires - timedelta(days=30))
    assert len(outbox_to(grant.person.email)) == 1


def test_a_person_at_two_facilities_is_reminded_once_and_both_coordinators(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant, expires = volunteer_with_prea_expiring(office, coordinator)
    second = FacilityFactory.create(code="SECC", name="Southeast CC", tb_test_required=False)
    second_coordinator = member(second, Role.IAC)
    person = grant.person
    application = submitted_application(
        facility=second, person=person, first=person.first_name, last=person.last_name
    )
    application = services.start_review(application=application, by=second_coordinator)
    for step in application.screening_steps.all():
        if step.step_kind == "background_check":
            services.add_background_check(
                step=step,
                by=second_coordinator,
                performed_by="MSHP",
                check_type="mules",
                run_on=age.today(),
                outcome="cleared",
            )
        services.record_step(step=step, by=second_coordinator, state="passed")
    services.approve_application(application=application, by=second_coordinator, level="contact")
    mail.outbox.clear()

    sweep(expires - timedelta(days=60))

    assert len(outbox_to(grant.person.email)) == 1
    assert len(outbox_to(coordinator.email)) == 1
    assert len(outbox_to(second_coordinator.email)) == 1


def test_a_course_with_a_long_code_is_reminded_too(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    """The catalogue is the PIC Coordinator's: course codes may be long (up to 40)."""
    refresher = Course.objects.create(
        code="suicide-prevention-annual-refresher", name="Suicide prevention", validity_months=12
    )
    grant = active_grant(office, by=coordinator)
    completed = add_months(age.today() + timedelta(days=60), -12)
    activation.record_completion(
        person=grant.person, course=refresher, completed_on=completed, by=coordinator
    )
    expires = add_months(completed, 12)
    mail.outbox.clear()

    sweep(expires - timedelta(days=60))
    sweep(expires - timedelta(days=59))

    (reminder,) = outbox_to(grant.person.email)
    assert lines_of(reminder) == [
        f"Suicide prevention expires on {long_date(expires)} ({office.name})."
    ]
    assert len(outbox_to(coordinator.email)) == 1


# Access expiry -----------------------------------------------------------------------------


def test_lapsed_access_expires_without_manual_work(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant = active_grant(office, by=coordinator)
    last_day = grant.expires_on

    sweep(last_day)
    grant.refresh_from_db()
    assert grant.status == AccessStatus.ACTIVE  # valid through its last day

    mail.outbox.clear()
    summary = sweep(last_day + timedelta(days=1))

    assert summary["expire_access"] == 1
    grant.refresh_from_db()
    assert grant.status == AccessStatus.EXPIRED
    event = grant.events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.actor, event.actor_label, event.text) == (
        AccessStatus.ACTIVE,
        AccessStatus.EXPIRED,
        None,
        "daily sweep",
        "Access lapsed.",
    )
    (digest,) = outbox_to(coordinator.email)
    assert (
        f"{grant.person}: access expired on {long_date(last_day)} (badge {grant.badge_number})."
        in lines_of(digest)
    )
    events = grant.events.count()
    sweep(last_day + timedelta(days=2))
    assert grant.events.count() == events


def test_access_itself_is_reminded_before_it_expires(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    grant = active_grant(office, by=coordinator)
    mail.outbox.clear()

    sweep(grant.expires_on - timedelta(days=60))

    (reminder,) = outbox_to(grant.person.email)
    assert f"Facility access expires on {long_date(grant.expires_on)} ({office.name})." in lines_of(
        reminder
    )


# Contact eligibility and overdue information requests --------------------------------------


def test_contact_eligibility_reaches_the_digest_once(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    birthday = not_leap_day(age.today() + timedelta(days=30))
    grant = active_grant(
        office, by=coordinator, level=AccessLevel.CONTACT, born=born_turning(19, birthday)
    )
    assert grant.contact_eligible_on == birthday
    wanted = (
        f"{grant.person} (badge {grant.badge_number}) is eligible for offender contact from "
        f"{long_date(birthday)}: the upgrade awaits your decision."
    )

    def digest_lines(day: date) -> list[str]:
        mail.outbox.clear()
        sweep(day)
        return [line for m in outbox_to(coordinator.email) for line in lines_of(m)]

    assert wanted not in digest_lines(birthday - timedelta(days=1))
    assert digest_lines(birthday) == [wanted]
    assert wanted not in digest_lines(birthday + timedelta(days=1))
    assert mail.outbox == []


def test_an_overdue_information_request_reaches_the_digest_once(
    facility: Facility, iac: User, sweep: Sweep
) -> None:
    application = services.start_review(
        application=submitted_application(facility=facility), by=iac
    )
    due = age.today() + timedelta(days=30)
    request_information(
        application=application,
        by=iac,
        message="Which evenings are you free?",
        sections=[S.PLACEMENT],
        due_on=due,
    )
    wanted = (
        f"{application.reference}: the information requested was due {long_date(due)} and has not "
        "been answered."
    )

    def digest_lines(day: date) -> list[str]:
        mail.outbox.clear()
        sweep(day)
        return [line for m in outbox_to(iac.email) for line in lines_of(m)]

    assert digest_lines(due) == []  # the last day to answer
    assert digest_lines(due + timedelta(days=1)) == [wanted]
    assert digest_lines(due + timedelta(days=2)) == []


def test_nothing_due_sends_nothing(facility: Facility, iac: User, sweep: Sweep) -> None:
    grant = grant_at(facility, by=iac)
    for code in (VOLUNTEER_ORIENTATION, FACILITY_ORIENTATION):
        activation.record_completion(
            person=grant.person,
            course=course(code),
            completed_on=age.today(),
            by=iac,
            facility=facility,
        )
    mail.outbox.clear()

    summary = sweep(age.today())

    assert summary == {
        "expire_access": 0,
        "contact_eligibility": 0,
        "overdue_information_requests": 0,
        "expiring_items": 0,
        "flag_inactivity": 0,
        "close_open_visits": 0,
        "agreement_reminders": 0,
        "suspension_reviews": 0,
        "emails": 0,
    }
    assert mail.outbox == []


def test_each_app_contributes_its_jobs_lower_apps_first() -> None:
    # One command, jobs collected from every app's `jobs` module in INSTALLED_APPS order:
    # volunteers' own, then screening's (which sits above it).
    assert [(job.__module__, job.__name__) for job in daily_jobs()] == [
        ("volunteers.sweep", "expire_access"),
        ("volunteers.sweep", "contact_eligibility"),
        ("volunteers.sweep", "expiring_items"),
        ("volunteers.sweep", "flag_inactivity"),
        ("volunteers.kiosk", "close_open_visits"),
        ("volunteers.agreement_sweep", "agreement_reminders"),
        ("volunteers.jobs", "suspension_reviews"),
        ("screening.jobs", "overdue_information_requests"),
    ]


# A suspension's review date ---------------------------------------------------------------


def suspended_for_review(office: Facility, coordinator: User, review_on: date) -> FacilityAccess:
    grant = suspend_access(
        grant=active_grant(office, by=coordinator),
        by=coordinator,
        reason="Badge left in the visiting room",
        review_on=age.today() + timedelta(days=1),
    )
    FacilityAccess.objects.filter(pk=grant.pk).update(review_on=review_on)
    return FacilityAccess.objects.get(pk=grant.pk)


def test_a_suspension_reaches_the_digest_on_its_review_date_once(
    office: Facility, coordinator: User, sweep: Sweep
) -> None:
    review = age.today() + timedelta(days=14)
    grant = suspended_for_review(office, coordinator, review)
    other = member(FacilityFactory.create(code="SECC", tb_test_required=False), Role.IAC)
    wanted = (
        f"{grant.person} (badge {grant.badge_number}): the suspension (“Badge left in the "
        f"visiting room”) is due for review on {long_date(review)}: restore, end or revoke "
        "the access."
    )

    def digest_lines(day: date) -> list[str]:
        mail.outbox.clear()
        summary = sweep(day)
        assert summary is not None
        assert not outbox_to(other.email)  # another facility's coordinators are not told
        return [line for m in outbox_to(coordinator.email) for line in lines_of(m)]

    assert wanted not in digest_lines(review - timedelta(days=1))
    assert wanted in digest_lines(review)
    assert wanted not in digest_lines(review + timedelta(days=1))
    assert outbox_to(grant.person.email) == []  # the digest is the coordinators'


def test_a_review_date_on_a_skipped_day_still_reaches_the_digest_once(
    office: Facility, coordinator: User
) -> None:
    review = age.today() + timedelta(days=3)
    suspended_for_review(office, coordinator, review)
    first, again = Digest(), Digest()
    assert suspension_reviews(review + timedelta(days=2), first) == 1
    assert suspension_reviews(review + timedelta(days=3), again) == 0
    assert len(first.coordinators[coordinator.email]) == 1
    assert dict(again.coordinators) == {}


def test_restored_or_undated_suspensions_are_not_listed(
    office: Facility, coordinator: User
) -> None:
    review = age.today() + timedelta(days=3)
    restored = suspended_for_review(office, coordinator, review)
    restore_access(grant=restored, by=coordinator)
    suspend_access(grant=active_grant(office, by=coordinator), by=coordinator, reason="No date")
    assert suspension_reviews(review, Digest()) == 0


def test_a_second_suspension_with_its_own_review_date_is_listed_again(
    office: Facility, coordinator: User
) -> None:
    first_review = age.today() + timedelta(days=3)
    grant = suspended_for_review(office, coordinator, first_review)
    assert suspension_reviews(first_review, Digest()) == 1
    restore_access(grant=grant, by=coordinator)
    suspend_access(
        grant=grant, by=coordinator, reason="Again", review_on=age.today() + timedelta(days=1)
    )
    second_review = first_review + timedelta(days=30)
    FacilityAccess.objects.filter(pk=grant.pk).update(review_on=second_review)
    assert suspension_reviews(second_review, Digest()) == 1
