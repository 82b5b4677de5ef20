"""Of a person who also applied elsewhere, a coordinator sees only statewide facts: the
status, never the answers or the notes, of their applications at other facilities."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.models import Application
from facilities.models import Facility
from screening import services
from tests.screening.helpers import application_url, approved, in_review, make_application, page

pytestmark = pytest.mark.django_db

Places = tuple[Application, Application]

SECRET_ANSWER = "Teach origami to the choir on alternate Thursdays"
SECRET_NOTE = "Reference says she was late to every shift in Boonville"


@pytest.fixture
def two_places(facility: Facility, other_facility: Facility, other_iac: User) -> Places:
    here = make_application(facility)
    there = in_review(
        other_facility,
        by=other_iac,
        person=here.person,
        kind="reentry_partner",
        activities=SECRET_ANSWER,
    )
    services.add_note(application=there, by=other_iac, text=SECRET_NOTE)
    return here, there


def test_the_application_page_shows_status_only(
    client: Client, iac: User, two_places: Places, other_facility: Facility
) -> None:
    here, there = two_places
    client.force_login(iac)

    html = page(client.get(application_url(here)))

    assert "Elsewhere in the state" in html
    assert f"{other_facility.name}: Reentry partner — In review" in html
    assert SECRET_ANSWER not in html
    assert SECRET_NOTE not in html
    assert there.reference not in html


def test_the_person_page_shows_status_only(
    client: Client, iac: User, two_places: Places, other_facility: Facility
) -> None:
    here, there = two_places
    client.force_login(iac)

    html = page(client.get(reverse("staff:person", args=[here.person.public_id])))

    assert here.reference in html
    assert f"{other_facility.name}: Reentry partner — In review" in html
    assert SECRET_ANSWER not in html
    assert SECRET_NOTE not in html
    assert there.reference not in html


def test_the_other_application_is_not_found(client: Client, iac: User, two_places: Places) -> None:
    _here, there = two_places
    client.force_login(iac)

    assert client.get(application_url(there)).status_code == 404
    assert client.get(reverse("staff:application_pdf", args=[there.reference])).status_code == 404


def test_the_coordinator_there_sees_it_all(
    client: Client, other_iac: User, two_places: Places
) -> None:
    _here, there = two_places
    client.force_login(other_iac)

    html = page(client.get(application_url(there)))

    assert SECRET_ANSWER in html
    assert SECRET_NOTE in html


def test_a_grant_elsewhere_shows_its_status(
    client: Client, iac: User, other_iac: User, facility: Facility, other_facility: Facility
) -> None:
    there, _grant = approved(other_facility, by=other_iac, activities=SECRET_ANSWER)
    here = make_application(facility, person=there.person)
    client.force_login(iac)

    html = page(client.get(application_url(here)))

    assert f"{other_facility.name}: Volunteer — Pending activation" in html
    assert SECRET_ANSWER not in html


def test_a_person_known_only_elsewhere_is_not_found(
    client: Client, iac: User, other_facility: Facility
) -> None:
    there = make_application(other_facility)
    client.force_login(iac)

    response = client.get(reverse("staff:person", args=[there.person.public_id]))

    assert response.status_code == 404
