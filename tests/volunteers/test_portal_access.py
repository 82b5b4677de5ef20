"""The volunteer's own page, /account/access/: badge, level, expiry, each training's status
and what is due; nobody else's."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from facilities.models import Facility
from tests.dates import long_date
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    IN_SERVICE,
    PREA,
    active_grant,
    born_turning,
    complete,
    course,
    grant_at,
    not_leap_day,
    session_at,
)
from volunteers import activation
from volunteers.compliance import add_months
from volunteers.models import FacilityAccess

pytestmark = pytest.mark.django_db

URL = "/account/access/"


def my_page(client: Client, grant: FacilityAccess) -> str:
    client.force_login(grant.person.user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def row(page: str, label: str) -> str:
    """The text of the table row whose first cell starts with `label`."""
    match = re.search(rf"<tr>\s*<td>{re.escape(label)}.*?</tr>", page, re.S)
    assert match, label
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))).strip()


def test_the_url_is_the_portal_page() -> None:
    assert reverse("volunteers_portal:access") == URL


def test_an_active_volunteer_sees_badge_level_expiry_and_trainings(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = active_grant(facility, by=iac)
    today = age.today()

    page = my_page(client, grant)

    assert "Algoa Correctional Center" in page
    assert "ACC-00001" in page
    assert "Offender contact" in page
    assert (
        f"valid until {grant.expires_on:%B} {grant.expires_on.day}, {grant.expires_on.year}" in page
    )
    prea = row(page, "PREA training")
    assert "Done" in prea
    expires = add_months(today, 12)
    assert long_date(expires) in prea
    assert "Done" in row(page, "Facility orientation")
    assert "To do" in row(page, "Annual in-service training")
    assert "0 of 6 hours in the last 12 months" in row(page, "Annual in-service training")
    assert "Done" in row(page, "TB test")


def test_a_pending_volunteer_sees_what_is_still_to_do(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(PREA, FACILITY_ORIENTATION), tb=None)
    activation.record_completion(
        person=grant.person,
        course=course(PREA),
        completed_on=add_months(age.today(), -13),
        by=iac,
    )

    page = my_page(client, grant)

    assert "Pending activation" in page
    assert "the coordinator then activates your access" in page
    assert "Expired" in row(page, "PREA training")
    assert "To do" in row(page, "Facility orientation")
    assert "To do" in row(page, "TB test")
    assert "Done" in row(page, "Volunteer orientation")


def test_hours_towards_the_annual_in_service_are_shown(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = active_grant(facility, by=iac)
    activation.record_completion(
        person=grant.person,
        course=course(IN_SERVICE),
        completed_on=age.today() - timedelta(days=3),
        by=iac,
        hours=4,
    )

    assert "4 of 6 hours in the last 12 months" in row(my_page(client, grant), "Annual in-service")


def test_a_young_volunteer_sees_when_contact_may_begin(
    client: Client, facility: Facility, iac: User
) -> None:
    birthday = not_leap_day(age.today() + timedelta(days=40))
    grant = active_grant(
        facility, by=iac, level=AccessLevel.CONTACT, born=born_turning(19, birthday)
    )

    page = my_page(client, grant)

    assert "No offender contact" in page
    assert (
        f"Offender contact can be added from {birthday:%B} {birthday.day}, {birthday.year}, "
        "when you turn 19." in page
    )


def test_sessions_signed_up_for_are_listed(client: Client, facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    session = session_at(facility, by=iac, place="Algoa visiting room")
    activation.enrol(session=session, person=grant.person, by=iac)

    page = my_page(client, grant)

    assert "Sessions I signed up for" in page
    assert "Algoa visiting room" in page


def test_another_applicant_sees_only_their_own(
    client: Client, facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    mine = active_grant(facility, by=iac, last="Volmine")
    theirs = active_grant(other_facility, by=other_iac, last="Voltheirs")

    page = my_page(client, theirs)

    assert theirs.badge_number in page
    assert mine.badge_number not in page
    assert "Algoa Correctional Center" not in page
    page = my_page(client, mine)
    assert mine.badge_number in page
    assert theirs.badge_number not in page


def test_someone_without_access_is_told_so(client: Client, facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    activation.move_access(grant=grant, to="ended", by=iac)

    assert "You hold no facility access yet." in my_page(client, grant)


def test_the_page_is_for_applicants(client: Client, iac: User) -> None:
    anonymous = client.get(URL)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("applications:sign_in"))

    client.force_login(iac)
    assert client.get(URL).status_code == 403
