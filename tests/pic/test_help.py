"""In-app help: the applicants' guide is public; the coordinators' and the PIC Coordinator's
guides are staff pages; every link and picture they show works; the pages they explain link
to them."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accounts.models import User
from facilities.models import Facility, Role
from tests.factories import MembershipFactory, StaffUserFactory, applicant

pytestmark = pytest.mark.django_db

# The staff-wide matrix (tests/screening/test_permissions.py) reads what this file covers.
ROUTES = [("staff_help:coordinators",), ("staff_help:statewide",)]


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'href="(/[^"#]*)', html) if not h.startswith("/static/")]


def _images(html: str) -> list[str]:
    return re.findall(r'<img[^>]+src="/static/([^"]+)"', html)


@pytest.mark.parametrize("path", ["/help/", "/help/applying/"])
def test_the_applicant_guides_are_public_and_every_link_works(client: Client, path: str) -> None:
    page = client.get(path)

    assert page.status_code == 200
    html = page.content.decode()
    for link in _links(html):
        assert client.get(link).status_code in (200, 302), link
    for image in _images(html):
        assert finders.find(image), image
    for anchor in re.findall(r'href="#([\w-]+)"', html):
        assert f'id="{anchor}"' in html, anchor


def test_the_applying_guide_covers_the_age_rule_documents_and_what_happens_next(
    client: Client,
) -> None:
    html = client.get("/help/applying/").content.decode()

    assert "18 or older to volunteer" in html
    assert "19 or older for contact with offenders" in html
    assert 'id="documents"' in html
    assert 'id="next"' in html
    assert len(_images(html)) == 2


@pytest.mark.parametrize(
    ("path", "role", "expected"),
    [
        ("/staff/help/", Role.IAC, 200),
        ("/staff/help/", Role.SITE_COORDINATOR, 200),
        ("/staff/help/", Role.CHAPLAIN, 200),
        ("/staff/help/statewide/", Role.IAC, 403),
        ("/staff/help/statewide/", Role.CHAPLAIN, 403),
    ],
)
def test_coordinators_reach_their_guide_not_the_statewide_one(
    client: Client, facility: Facility, path: str, role: str, expected: int
) -> None:
    user = StaffUserFactory.create()
    MembershipFactory.create(user=user, facility=facility, role=role)
    client.force_login(user)

    assert client.get(path).status_code == expected


@pytest.mark.parametrize("path", ["/staff/help/", "/staff/help/statewide/"])
def test_staff_guides_refuse_visitors_and_applicants(client: Client, path: str) -> None:
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/staff/login/")

    client.force_login(applicant().user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/staff/help/", "/staff/help/statewide/"])
def test_every_link_and_picture_of_the_staff_guides_works(
    client: Client, pic_coordinator: User, path: str
) -> None:
    client.force_login(pic_coordinator)
    html = client.get(path).content.decode()

    for link in _links(html):
        assert client.get(link).status_code == 200, link
    for image in _images(html):
        assert finders.find(image), image


def test_the_pages_the_guides_explain_link_to_them(
    client: Client, facility: Facility, pic_coordinator: User
) -> None:
    client.force_login(pic_coordinator)

    assert 'href="/staff/help/#screening"' in client.get("/staff/").content.decode()
    assert 'href="/staff/help/statewide/#reports"' in client.get("/staff/reports/").content.decode()
    assert 'href="/staff/help/statewide/"' in client.get("/staff/statewide/").content.decode()
    clearance = client.get(f"/staff/facilities/{facility.code}/clearance/").content.decode()
    assert 'href="/staff/help/#clearance"' in clearance
    assert 'href="/help/"' in client.get("/").content.decode()  # the footer, on every page

    person = applicant()
    client.force_login(person.user)
    assert 'href="/help/applying/"' in client.get("/account/").content.decode()
