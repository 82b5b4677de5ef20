"""Rule 9: active access with no approved hours for the program setting's months is
flagged by the daily sweep (dated, once), shown on the roster and in the coordinators'
digest, and cleared when hours are approved. And issue 8 item 8: the annual in-service
shows when it is due, and is "Missing" only once overdue."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from facilities.models import Facility, ProgramSettings
from tests.volunteers.activation_helpers import IN_SERVICE, course, grant_at
from tests.volunteers.hours_helpers import days_ago, log, volunteer
from volunteers import activation
from volunteers.compliance import add_months, in_service_due_on, items_for
from volunteers.models import InactivityFlag, TrainingCompletion
from volunteers.services import approve_hour_entry
from volunteers.sweep import Digest, flag_inactivity, run_daily

pytestmark = pytest.mark.django_db


def months_ago(n: int) -> int:
    return (age.today() - add_months(age.today(), -n)).days


def test_access_without_approved_hours_for_12_months_is_flagged_once(
    facility: Facility, iac: User
) -> None:
    old = volunteer(facility, by=iac, since=months_ago(12) + 1)
    recent = volunteer(facility, by=iac, since=months_ago(12) - 1)
    busy = volunteer(facility, by=iac, since=months_ago(12) + 30)
    approve_hour_entry(entry=log(busy, on=days_ago(40)), by=iac)
    idle = volunteer(facility, by=iac, since=months_ago(12) + 30)
    log(idle, on=days_ago(40))  # pending hours do not count
    today = age.today()

    assert flag_inactivity(today, Digest()) == 2
    flagged = set(InactivityFlag.objects.values_list("access_id", "flagged_on"))
    assert flagged == {(old.pk, today), (idle.pk, today)}
    assert recent.pk not in {a for a, _d in flagged}

    # Run again the same day: nothing changes. The next day, the recent one's turn comes.
    assert flag_inactivity(today, Digest()) == 0
    assert InactivityFlag.objects.count() == 2
    assert flag_inactivity(today + timedelta(days=1), Digest()) == 1


def test_the_months_are_the_program_settings(facility: Facility, iac: User) -> None:
    settings = ProgramSettings.load()
    settings.inactivity_months = 6
    settings.save()
    grant = volunteer(facility, by=iac, since=months_ago(6) + 1)

    assert flag_inactivity(age.today(), Digest()) == 1
    assert InactivityFlag.objects.get().access == grant


def test_approved_hours_clear_the_flag(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=months_ago(12) + 30)
    flag_inactivity(age.today(), Digest())
    entry = log(grant, on=days_ago(2))
    assert InactivityFlag.objects.get().cleared_on is None  # pending does not clear

    approve_hour_entry(entry=entry, by=iac)

    flag = InactivityFlag.objects.get()
    assert (flag.flagged_on, flag.cleared_on) == (age.today(), age.today())
    assert flag_inactivity(age.today(), Digest()) == 0  # active again: no new flag


def test_hours_approved_from_before_the_window_do_not_clear_it(
    facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, since=months_ago(12) + 30)
    flag_inactivity(age.today(), Digest())

    approve_hour_entry(entry=log(grant, on=days_ago(months_ago(12) + 10)), by=iac)

    assert InactivityFlag.objects.get().cleared_on is None


def test_the_flag_is_in_the_digest_and_on_the_roster(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = volunteer(facility, by=iac, since=months_ago(12) + 5, last="Volidle")
    with django_capture_on_commit_callbacks(execute=True):
        run_daily(today=age.today())
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily(today=age.today()) is None  # the second run changes nothing

    digests = [m for m in mail.outbox if iac.email in m.to]
    assert len(digests) == 1
    assert "Jordan Volidle" in digests[0].body
    assert "flagged as inactive" in digests[0].body
    client.force_login(iac)
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    assert "Inactive: no approved hours" in page
    assert grant.badge_number in page


def test_the_roster_shows_hours_this_year_and_in_12_months(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, since=500, last="Volhours")
    approve_hour_entry(entry=log(grant, on=days_ago(0), hours="2.5"), by=iac)
    approve_hour_entry(entry=log(grant, on=days_ago(400), hours="7"), by=iac)
    log(grant, on=days_ago(1), hours="4")  # pending
    client.force_login(iac)

    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()

    assert "2.50 this year · 2.50 in 12 months" in " ".join(page.split())


# Issue 8 item 8: the annual in-service's due date -----------------------------------------


def in_service(grant: Any, on: date) -> Any:
    return next(i for i in items_for(grant, on) if i.key == IN_SERVICE)


def hours_of(grant: Any, on: date, hours: str) -> None:
    activation.record_completion(
        person=grant.person,
        course=course(IN_SERVICE),
        completed_on=on,
        by="tests",
        hours=Decimal(hours),
    )


def test_pending_activation_it_is_due_after_activation_never_missing(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac, last="Volnew")
    item = in_service(grant, age.today())

    assert item.due_after_activation
    assert not item.is_overdue(age.today())
    client.force_login(iac)
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    assert "Annual in-service training: due 12 months after activation" in page
    assert "Missing: Annual in-service" not in page


def test_activated_this_month_it_is_due_12_months_on(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, since=0, last="Voljust")
    today = age.today()
    due = add_months(today, 12)
    item = in_service(grant, today)

    assert (item.due_on, item.is_overdue(today)) == (due, False)
    client.force_login(iac)
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    words = f"{due:%B} {due.day}, {due.year}"
    assert f"Annual in-service training: due by {words}" in page
    assert "Missing: Annual in-service" not in page


def test_a_year_on_without_it_it_is_missing(client: Client, facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=months_ago(12) + 3, last="Volover")
    item = in_service(grant, age.today())

    assert item.is_overdue(age.today())
    assert item.due_on == add_months(grant.starts_on, 12)
    client.force_login(iac)
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    assert "Missing: Annual in-service training" in page


def test_after_a_year_it_is_due_when_the_rolling_total_would_drop_below_6(
    facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, since=600)
    today = age.today()
    hours_of(grant, days_ago(300), "4")
    hours_of(grant, days_ago(100), "3")
    item = in_service(grant, today)

    # 7 hours now; the 4 from 300 days ago leave the window first: 3 hours, below 6.
    assert item.done
    assert item.due_on == add_months(days_ago(300), 12)


def test_once_the_total_dropped_below_6_it_was_due_that_day(facility: Facility, iac: User) -> None:
    grant = volunteer(facility, by=iac, since=900)
    dropped_on = days_ago(500)
    hours_of(grant, add_months(dropped_on, -12), "6")
    item = in_service(grant, age.today())

    assert item.is_overdue(age.today())
    assert item.due_on == dropped_on


def test_the_due_date_is_pure_and_handles_29_february() -> None:
    course_row = course(IN_SERVICE)
    leap = TrainingCompletion(course=course_row, completed_on=date(2024, 2, 29), hours=Decimal(6))

    assert in_service_due_on(date(2023, 1, 10), [leap], course_row, date(2024, 6, 1)) == date(
        2025, 3, 1
    )
    assert in_service_due_on(date(2024, 6, 1), [], course_row, date(2024, 7, 1)) == date(2025, 6, 1)
