"""The hours pages: the queue's bulk form over HTTP, the volunteer's own log, and query counts that
do not grow with the data on the hours queue and the roster."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from facilities.access import Capability
from facilities.models import Facility
from tests.volunteers.hours_helpers import days_ago, log, volunteer
from volunteers.models import HourEntry, HourStatus
from volunteers.services import approve_hour_entry

VIEW, RECORD = Capability.VIEW, Capability.RECORD
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD},
    "site_coordinator": {VIEW, RECORD},
    "chaplain": {VIEW, RECORD},  # DESIGN: hours are "record", which a chaplain holds
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


# The queue over HTTP ------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_approve_a_mix_reports_row_by_row(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, last="Volbulk")
    first, second, third = (log(grant, on=days_ago(n)) for n in (1, 2, 3))
    approve_hour_entry(entry=second, by=iac)  # decided meanwhile by someone else
    client.force_login(iac)

    response = client.post(
        reverse("volunteers:hours_decide", args=[facility.code]),
        {"approve": "selected", "entries": [first.pk, second.pk, third.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "2 entries approved." in page
    assert "already approved" in page
    assert HourEntry.objects.filter(status=HourStatus.APPROVED).count() == 3


@pytest.mark.django_db
def test_bulk_reject_needs_a_reason_and_keeps_the_selection(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac)
    first, second = log(grant, on=days_ago(1)), log(grant, on=days_ago(2))
    client.force_login(iac)
    url = reverse("volunteers:hours_decide", args=[facility.code])

    response = client.post(url, {"reject": "selected", "entries": [first.pk]})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Give a reason for rejecting." in page
    assert f'value="{first.pk}" id="entry-{first.pk}" checked' in page
    assert f'value="{second.pk}" id="entry-{second.pk}">' in page

    client.post(url, {"reject": "selected", "entries": [first.pk, second.pk], "reason": "No"})
    assert set(HourEntry.objects.values_list("status", flat=True)) == {HourStatus.REJECTED}


@pytest.mark.django_db
def test_one_row_rejected_with_its_own_reason(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac)
    entry = log(grant)
    client.force_login(iac)

    client.post(
        reverse("volunteers:hours_decide", args=[facility.code]),
        {"reject": entry.pk, f"reason-{entry.pk}": "Not on the sign-in sheet"},
    )

    entry.refresh_from_db()
    assert (entry.status, entry.reject_reason) == (HourStatus.REJECTED, "Not on the sign-in sheet")


@pytest.mark.django_db
def test_a_refused_staff_entry_comes_back_with_what_was_typed(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac, since=5)
    client.force_login(iac)

    response = client.post(
        reverse("volunteers:hours_enter", args=[facility.code]),
        {
            "access": grant.pk,
            "worked_on": days_ago(30).isoformat(),
            "program_area": "mentoring",
            "hours": "3.25",
            "note": "Tutoring",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "was not active on" in page
    assert 'value="3.25"' in page
    assert "Tutoring" in page
    assert not HourEntry.objects.exists()


# The volunteer's own log --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_volunteer_logs_changes_and_sees_totals(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac)
    client.force_login(grant.person.user)
    url = reverse("volunteers_portal:hours")

    response = client.post(
        url,
        {
            "worked_on": days_ago(2).isoformat(),
            "access": grant.pk,
            "program_area": "education",
            "hours": "2.25",
            "note": "Reading group",
        },
    )
    assert response.status_code == 302
    entry = HourEntry.objects.get()
    assert (entry.status, entry.hours) == (HourStatus.PENDING, 2.25)

    edit = reverse("volunteers_portal:hours_edit", args=[entry.pk])
    data = {"worked_on": days_ago(2).isoformat(), "program_area": "education", "hours": "3"}
    assert client.post(edit, data).status_code == 302
    approve_hour_entry(entry=entry, by=iac)

    page = client.get(url).content.decode()
    assert "Approved hours by year, facility and program area" in page
    assert '<td class="text-end">3</td>' in page
    assert client.get(edit).status_code == 302  # approved: no longer editable
    client.post(reverse("volunteers_portal:hours_delete", args=[entry.pk]))
    assert HourEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_volunteer_cannot_log_for_someone_elses_grant_or_see_their_entry(
    client: Client, facility: Facility, iac: User
) -> None:
    mine, theirs = volunteer(facility, by=iac), volunteer(facility, by=iac)
    their_entry = log(theirs)
    client.force_login(mine.person.user)

    response = client.post(
        reverse("volunteers_portal:hours"),
        {
            "worked_on": days_ago(1).isoformat(),
            "access": theirs.pk,
            "program_area": "education",
            "hours": "1",
        },
    )

    assert response.status_code == 200
    assert HourEntry.objects.count() == 1
    edit = reverse("volunteers_portal:hours_edit", args=[their_entry.pk])
    assert client.get(edit).status_code == 404


@pytest.mark.django_db
def test_a_future_date_comes_back_as_a_form_error(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = volunteer(facility, by=iac)
    client.force_login(grant.person.user)

    response = client.post(
        reverse("volunteers_portal:hours"),
        {
            "worked_on": days_ago(-1).isoformat(),
            "access": grant.pk,
            "program_area": "education",
            "hours": "1.5",
        },
    )

    assert response.status_code == 200
    assert "The date cannot be in the future." in response.content.decode()
    assert 'value="1.5"' in response.content.decode()


# Query counts -------------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def some_hours(facility: Facility, iac: User, count: int) -> None:
    for _n in range(count):
        grant = volunteer(facility, by=iac)
        log(grant, on=days_ago(1))
        approve_hour_entry(entry=log(grant, on=days_ago(2)), by=iac)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["volunteers:hours_queue", "volunteers:roster", "volunteers:hours_totals"]
)
def test_the_hours_pages_cost_the_same_for_2_and_6_volunteers(
    client: Client, facility: Facility, iac: User, name: str
) -> None:
    client.force_login(iac)
    url = reverse(name, args=[facility.code])
    some_hours(facility, iac, 2)
    queries(client, url)

    with_2 = queries(client, url)
    some_hours(facility, iac, 4)
    with_6 = queries(client, url)

    assert with_2 == with_6
