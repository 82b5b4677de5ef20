"""Every staff and applicant page says `Cache-Control: no-store` (issue 8, item 15): a shared
computer's browser cache or a proxy must not keep a page of personal data."""

import pytest
from django.test import Client

from accounts.models import User
from applications.models import Application
from facilities.models import Facility
from tests.factories import submitted_application

pytestmark = pytest.mark.django_db


def no_store(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert "no-store" in response.get("Cache-Control", ""), path
    assert "private" in response["Cache-Control"], path


@pytest.fixture
def application(facility: Facility) -> Application:
    return submitted_application(facility=facility)


STAFF_PAGES = [
    "/staff/",
    "/staff/facilities/",
    "/staff/facilities/ACC/",
    "/staff/applications/{reference}/",
    "/staff/people/{person}/",
    "/staff/facilities/ACC/roster/",
    "/staff/facilities/ACC/sessions/",
    "/staff/facilities/ACC/paper/",
    "/",
    "/facilities/",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages_are_not_stored(
    client: Client, iac: User, application: Application, path: str
) -> None:
    client.force_login(iac)
    no_store(
        client,
        path.format(reference=application.reference, person=application.person.public_id),
    )


@pytest.mark.parametrize("path", ["/staff/sessions/", "/admin/", "/admin/facilities/facility/"])
def test_pic_coordinator_pages_are_not_stored(
    client: Client, pic_coordinator: User, path: str
) -> None:
    client.force_login(pic_coordinator)
    no_store(client, path)


APPLICANT_PAGES = [
    "/account/",
    "/account/applications/{public_id}/",
    "/account/access/",
    "/account/sessions/",
    "/",
    "/facilities/",
]


@pytest.mark.parametrize("path", APPLICANT_PAGES)
def test_applicant_pages_are_not_stored(
    client: Client, application: Application, path: str
) -> None:
    assert application.person.user is not None
    client.force_login(application.person.user)
    no_store(client, path.format(public_id=application.public_id))


@pytest.mark.parametrize("path", ["/staff/login/", "/account/sign-in/", "/staff/password/reset/"])
def test_sign_in_pages_are_not_stored(client: Client, path: str) -> None:
    no_store(client, path)
