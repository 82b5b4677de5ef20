"""The PIC Coordinator's statewide page: every link it shows works; coordinators get 403."""

import re

import pytest
from django.test import Client

from accounts.models import User
from facilities.models import Facility, Role
from tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

# The staff-wide matrix (tests/screening/test_permissions.py) reads what this file covers.
ROUTES = [("staff:statewide",)]


def test_the_pic_coordinator_reaches_every_statewide_link(
    client: Client, pic_coordinator: User
) -> None:
    client.force_login(pic_coordinator)
    page = client.get("/staff/statewide/")

    assert page.status_code == 200
    links = re.findall(r'<li class="list-group-item"><a href="([^"]+)"', page.content.decode())
    assert len(links) == 8
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("role", [Role.IAC, Role.SITE_COORDINATOR, Role.CHAPLAIN])
def test_coordinators_are_refused(client: Client, facility: Facility, role: str) -> None:
    user = StaffUserFactory.create()
    MembershipFactory.create(user=user, facility=facility, role=role)
    client.force_login(user)

    assert client.get("/staff/statewide/").status_code == 403


def test_anonymous_visitors_go_to_the_staff_sign_in(client: Client) -> None:
    response = client.get("/staff/statewide/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
