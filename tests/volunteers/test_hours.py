"""Service hours through the service every source calls: each validation edge, editing
until approved, approval and rejection one by one and in bulk, staff entry, totals."""

from datetime import time
from decimal import Decimal

import pytest

from accounts.models import User
from applications import age
from audit.models import AuditEvent
from facilities.models import Facility
from tests.volunteers.hours_helpers import date_last_event, days_ago, log, volunteer
from volunteers import activation
from volunteers.errors import VolunteerError
from volunteers.models import AccessStatus, HourEntry, HourSource, HourStatus
from volunteers.services import (
    HoursRefused,
    approve_hour_entry,
    decide_hours,
    delete_hour_entry,
    reject_hour_entry,
    update_hour_entry,
    was_active_on,
)
from volunteers.services.hours import hours_between, totals

pytestmark = pytest.mark.django_db


def refused(**kwargs: object) -> str:
    with pytest.raises(HoursRefused) as caught:
        log(**kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_a_volunteer_logs_hours_pending_approval(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    entry = log(grant, hours="2.75", area="recovery")

    assert (entry.status, entry.hours, entry.person, entry.facility) == (
        HourStatus.PENDING,
        Decimal("2.75"),
        grant.person,
        facility,
    )
    assert entry.entered_by == grant.person.user


def test_today_is_fine_and_tomorrow_is_refused(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    log(grant, on=age.today())

    assert "future" in refused(grant=grant, on=days_ago(-1))


def test_a_day_before_activation_or_after_expiry_is_refused(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=10)

    log(grant, on=days_ago(10))
    assert "was not active on" in refused(grant=grant, on=days_ago(11))

    grant.expires_on = days_ago(3)
    grant.save(update_fields=["expires_on"])
    log(grant, on=days_ago(3))
    assert "was not active on" in refused(grant=grant, on=days_ago(2))


def test_a_pending_grant_has_no_active_day(facility: Facility, iac: User) -> None:
    from tests.volunteers.activation_helpers import grant_at

    grant = grant_at(facility, by=iac)

    assert "was not active on" in refused(grant=grant, on=age.today())


def test_the_days_of_a_suspension_are_refused(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=30)
    activation.move_access(grant=grant, to=AccessStatus.SUSPENDED, by=iac)
    date_last_event(grant, days_ago(20))
    activation.move_access(grant=grant, to=AccessStatus.ACTIVE, by=iac)
    date_last_event(grant, days_ago(10))
    grant.refresh_from_db()

    # The days of the moves themselves were partly active; the days between were not.
    assert [was_active_on(grant, days_ago(n)) for n in (21, 20, 15, 11, 10, 9)] == [
        True,
        True,
        False,
        False,
        True,
        True,
    ]
    assert "was not active on" in refused(grant=grant, on=days_ago(15))
    log(grant, on=days_ago(9))


def test_a_suspension_still_standing_refuses_every_later_day(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=30)
    activation.move_access(grant=grant, to=AccessStatus.SUSPENDED, by=iac)
    date_last_event(grant, days_ago(5))

    assert "was not active on" in refused(grant=grant, on=days_ago(2))
    log(grant, on=days_ago(6))


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ("0", "more than zero"),
        ("-1", "more than zero"),
        ("1.1", "quarter hours"),
        ("0.3", "quarter hours"),
        ("16.25", "No more than 16"),
    ],
)
def test_hours_come_in_quarter_hours_above_zero(
    facility: Facility, iac: User, hours: str, problem: str
) -> None:
    grant = volunteer(facility, by=iac)

    assert problem in refused(grant=grant, hours=hours)


@pytest.mark.parametrize("hours", ["0.25", "0.5", "0.75", "16"])
def test_quarter_hours_up_to_16_are_fine(facility: Facility, iac: User, hours: str) -> None:
    assert log(volunteer(facility, by=iac), hours=hours).hours == Decimal(hours)


def test_16_hours_a_day_across_all_facilities(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    here = volunteer(facility, by=iac, last="Voltwo")
    from tests.volunteers.activation_helpers import active_grant

    # The same person at another facility.
    there = active_grant(other_facility, by=other_iac, on=days_ago(200), last="Voltwo")
    assert there.person != here.person  # a second application makes a second person...
    there.person = here.person  # ...so hang it on the first, as a merge would.
    there.save(update_fields=["person"])
    day = days_ago(2)
    log(here, on=day, hours="10")

    problem = refused(grant=there, on=day, hours="6.25")
    assert "16.25 hours" in problem
    log(there, on=day, hours="6")
    assert "at most 16" in refused(grant=here, on=day, hours="0.25")


def test_rejected_hours_do_not_count_toward_the_day(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    day = days_ago(2)
    entry = log(grant, on=day, hours="12")
    reject_hour_entry(entry=entry, by=iac, reason="Not here that day")

    log(grant, on=day, hours="12")


def test_times_must_be_in_order_and_come_in_pairs(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    assert "after the start" in refused(
        grant=grant, starts_at=time(11, 0), ends_at=time(9, 0), hours="2"
    )
    assert "both the start and the end" in refused(grant=grant, starts_at=time(9, 0), hours="2")


def test_a_visit_rounds_to_the_nearest_quarter_hour() -> None:
    assert hours_between(time(9, 0), time(11, 7)) == Decimal("2")
    assert hours_between(time(9, 0), time(11, 8)) == Decimal("2.25")
    assert hours_between(time(9, 0), time(9, 22)) == Decimal("0.25")
    assert hours_between(time(9, 0), time(9, 23)) == Decimal("0.5")


def test_every_problem_is_reported_at_once(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    with pytest.raises(HoursRefused) as caught:
        log(grant, on=days_ago(-1), hours="0.3", area="juggling")

    assert len(caught.value.problems) == 3


# Editing until approved ---------------------------------------------------------------------


def test_pending_hours_can_be_changed_and_removed(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    entry = log(grant, hours="2")

    changed = update_hour_entry(
        entry=entry,
        by=grant.person.user,
        worked_on=days_ago(3),
        program_area="mentoring",
        hours=Decimal("14"),
        note="Long day",
    )
    assert (changed.hours, changed.program_area, changed.worked_on) == (
        Decimal("14"),
        "mentoring",
        days_ago(3),
    )
    delete_hour_entry(entry=changed, by=grant.person.user)
    assert not HourEntry.objects.exists()


def test_changing_counts_the_day_without_the_entry_itself(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    entry = log(grant, hours="16")

    update_hour_entry(
        entry=entry, by=iac, worked_on=entry.worked_on, program_area="education", hours="15"
    )


def test_approved_hours_can_be_neither_changed_nor_removed(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    entry = approve_hour_entry(entry=log(grant), by=iac)

    with pytest.raises(VolunteerError, match="Approved hours can no longer be changed"):
        update_hour_entry(
            entry=entry, by=iac, worked_on=entry.worked_on, program_area="education", hours="1"
        )
    with pytest.raises(VolunteerError, match="Approved hours can no longer be changed"):
        delete_hour_entry(entry=entry, by=iac)


def test_a_rejected_entry_changed_goes_back_for_approval(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    entry = reject_hour_entry(entry=log(grant), by=iac, reason="Wrong date")

    changed = update_hour_entry(
        entry=entry, by=iac, worked_on=days_ago(4), program_area="education", hours="2"
    )

    assert (changed.status, changed.reject_reason, changed.decided_by) == (
        HourStatus.PENDING,
        "",
        None,
    )


# Approval -----------------------------------------------------------------------------------


def test_approving_and_rejecting_are_audited(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    approved = approve_hour_entry(entry=log(grant), by=iac)
    rejected = reject_hour_entry(entry=log(grant, on=days_ago(2)), by=iac, reason="Duplicate")

    assert (approved.status, approved.decided_by) == (HourStatus.APPROVED, iac)
    assert (rejected.status, rejected.reject_reason) == (HourStatus.REJECTED, "Duplicate")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"volunteers.hours_approved", "volunteers.hours_rejected"} <= actions


def test_a_rejection_needs_a_reason_and_a_decision_is_made_once(
    facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac)
    entry = log(grant)

    with pytest.raises(VolunteerError, match="reason"):
        reject_hour_entry(entry=entry, by=iac, reason="  ")
    approve_hour_entry(entry=entry, by=iac)
    with pytest.raises(VolunteerError, match="already approved"):
        approve_hour_entry(entry=entry, by=iac)
    with pytest.raises(VolunteerError, match="already approved"):
        reject_hour_entry(entry=entry, by=iac, reason="Late")


def test_bulk_decisions_report_row_by_row(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)
    first, second, third = (log(grant, on=days_ago(n)) for n in (1, 2, 3))
    approve_hour_entry(entry=second, by=iac)

    outcomes = decide_hours(entries=[first, second, third], by=iac, approve=True)

    assert [o.done for o in outcomes] == [True, False, True]
    assert "already approved" in outcomes[1].message
    assert HourEntry.objects.filter(status=HourStatus.APPROVED).count() == 3


def test_staff_entry_is_approved_at_once_and_audited(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    entry = log(grant, by=iac, source=HourSource.STAFF, approve=True)

    assert (entry.status, entry.entered_by, entry.decided_by) == (HourStatus.APPROVED, iac, iac)
    assert AuditEvent.objects.filter(action="volunteers.hours_entered").exists()


def test_staff_entry_is_validated_like_any_other(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac)

    assert "future" in refused(
        grant=grant, on=days_ago(-1), by=iac, source=HourSource.STAFF, approve=True
    )
    assert not HourEntry.objects.exists()


# Totals -------------------------------------------------------------------------------------


def test_totals_by_facility_program_area_and_year(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=500)
    today = age.today()
    last_year = days_ago(400)  # always an earlier year
    approve_hour_entry(entry=log(grant, on=last_year, hours="3"), by=iac)
    approve_hour_entry(entry=log(grant, on=days_ago(0), hours="2"), by=iac)
    approve_hour_entry(entry=log(grant, on=days_ago(0), hours="1.5", area="mentoring"), by=iac)
    log(grant, on=days_ago(0), hours="4")  # pending: not counted

    rows = totals(HourEntry.objects.all())

    assert [(r["year"], r["program_area"], r["hours"]) for r in rows] == [
        (today.year, "education", Decimal("2")),
        (today.year, "mentoring", Decimal("1.5")),
        (last_year.year, "education", Decimal("3")),
    ]
