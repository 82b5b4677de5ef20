"""A facility that lists no phone or coordinator sends the visitor to the central office
(issue 8, item 23): the DOCHQ row of the directory and Volunteer Services' general line, a
program setting the PIC Coordinator edits."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from facilities.models import Division, Facility, FacilityKind, ProgramSettings, Role
from tests.factories import FacilityFactory, MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dochq() -> Facility:
    return FacilityFactory.create(
        code="DOCHQ",
        name="Missouri Department of Corrections Central Office",
        kind=FacilityKind.CENTRAL_OFFICE,
        division=Division.CENTRAL,
        city="Jefferson City",
        phone="+15737512389",
    )


@pytest.fixture
def office() -> Facility:
    """An office with neither phone nor listed coordinator, as many in the source data."""
    return FacilityFactory.create(
        code="PP02",
        name="Probation & Parole District 2 - Chillicothe",
        kind=FacilityKind.PROBATION_PAROLE_OFFICE,
        division=Division.PP,
        city="Chillicothe",
        phone="",
    )


def test_the_default_general_line_is_volunteer_services() -> None:
    assert ProgramSettings.load().volunteer_services_phone.as_national == "(573) 526-6491"


def test_no_phone_and_no_coordinator_gives_the_central_office(
    client: Client, office: Facility, dochq: Facility
) -> None:
    pic = StaffUserFactory.create(first_name="Pat", last_name="Lawson")
    MembershipFactory.create(
        user=pic,
        facility=dochq,
        role=Role.SITE_COORDINATOR,
        is_listed=True,
        public_title="PIC Coordinator",
        public_email="pic@doc.example.org",
    )
    html = client.get("/facilities/PP02/").content.decode()

    assert "Call the office and ask for" not in html  # there is no number to call
    assert "call Volunteer Services at the central office, (573) 526-6491" in html
    assert "Who to contact" in html
    assert 'href="/facilities/DOCHQ/"' in html
    assert "Missouri Department of Corrections Central Office" in html
    assert 'href="tel:+15735266491"' in html
    assert "(573) 751-2389" in html  # the central office's own listed line
    assert "Pat Lawson" in html
    assert "pic@doc.example.org" in html


def test_a_phone_but_no_coordinator_still_names_the_central_office(
    client: Client, office: Facility, dochq: Facility
) -> None:
    office.phone = "+16606465210"
    office.save()
    html = client.get("/facilities/PP02/").content.decode()

    assert "Call the office and ask for the PIC site coordinator." in html
    assert "This facility lists no coordinator yet" in html
    assert "(573) 526-6491" in html


def test_a_facility_listing_both_needs_no_central_office(
    client: Client, office: Facility, dochq: Facility
) -> None:
    office.phone = "+16606465210"
    office.save()
    MembershipFactory.create(facility=office, role=Role.SITE_COORDINATOR, is_listed=True)
    html = client.get("/facilities/PP02/").content.decode()

    assert "(573) 526-6491" not in html
    assert "Central Office" not in html


def test_the_pic_coordinator_changes_the_line_in_the_admin(
    client: Client, office: Facility, dochq: Facility, pic_coordinator: User
) -> None:
    client.force_login(pic_coordinator)
    url = "/admin/facilities/programsettings/1/change/"
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {
        name: form[name].value() for name in form.fields if form[name].value() is not None
    }
    data["volunteer_services_phone"] = "(573) 555-0100"
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProgramSettings.load().volunteer_services_phone.as_national == "(573) 555-0100"
    assert "(573) 555-0100" in client.get("/facilities/PP02/").content.decode()
