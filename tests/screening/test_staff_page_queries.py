"""Issue 11: every staff page costs a fixed number of queries, whatever it lists, and at most
STAFF_PAGE_QUERIES of them. Runs on SQLite and PostgreSQL (scripts/with_postgres.py).

Counted on a warm request (the second): the first fills per-process caches."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from applications.models import Application
from facilities.models import Facility
from tests.screening.helpers import application_url, in_review, make_application
from tests.volunteers.hours_helpers import log, volunteer

pytestmark = pytest.mark.django_db

STAFF_PAGE_QUERIES = 12
# Not there yet (docs/scaling.md, "Staff page profiles (issue 11)"): the application page
# reads steps, checks, relationships, criminal history, the ban, duplicates, the statewide
# applications, the grants, documents and events each on its own; the roster and the
# clearance list read the courses, completions, TB tests and agreements (versions,
# settings, signatures) beside the grants. Lowered as each read is merged.
APPLICATION_PAGE_QUERIES = 17
ROSTER_QUERIES = 14
CLEARANCE_QUERIES = 13


def count(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grow_applications(facility: Facility, other: Facility, n: int) -> None:
    for i in range(n):
        make_application(facility if i % 3 else other, history=i % 4 == 0)


@pytest.mark.parametrize("who", ["iac", "pic_coordinator"])
@pytest.mark.parametrize(
    "query", ["", "?kind=volunteer&level=no_contact&sort=newest", "?q=Jordan", "?page=2"]
)
def test_the_queue(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    request: pytest.FixtureRequest,
    who: str,
    query: str,
) -> None:
    client.force_login(request.getfixturevalue(who))
    url = reverse("staff:home") + query
    grow_applications(facility, other_facility, 3)
    few = count(client, url)
    grow_applications(facility, other_facility, 30)

    assert count(client, url) == few
    assert few <= STAFF_PAGE_QUERIES


def test_the_person_page(
    client: Client, facility: Facility, other_facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    url = reverse("staff:person", args=[application.person.public_id])
    client.force_login(iac)
    few = count(client, url)
    more = [(facility, "student_intern"), (other_facility, "volunteer")]
    for where, kind in [*more, (other_facility, "student_intern")]:
        make_application(where, person=application.person, kind=kind)
    grow_applications(facility, other_facility, 6)

    assert count(client, url) == few
    assert few <= STAFF_PAGE_QUERIES


def test_the_application_page(
    client: Client, facility: Facility, other_facility: Facility, iac: User
) -> None:
    application: Application = in_review(facility, by=iac, history=True)
    client.force_login(iac)
    few = count(client, application_url(application))
    grow_applications(facility, other_facility, 12)

    assert count(client, application_url(application)) == few
    assert few <= APPLICATION_PAGE_QUERIES


@pytest.mark.parametrize(
    ("name", "ceiling", "grow"),
    [
        ("volunteers:roster", ROSTER_QUERIES, lambda f, by: volunteer(f, by=by)),
        ("volunteers:clearance", CLEARANCE_QUERIES, lambda f, by: volunteer(f, by=by)),
        ("volunteers:hours_queue", STAFF_PAGE_QUERIES, lambda f, by: log(volunteer(f, by=by))),
    ],
)
def test_the_facility_lists(
    client: Client,
    facility: Facility,
    iac: User,
    name: str,
    ceiling: int,
    grow: Callable[[Facility, User], object],
) -> None:
    url = reverse(name, args=[facility.code])
    client.force_login(iac)
    grow(facility, iac)
    few = count(client, url)
    for _ in range(5):
        grow(facility, iac)

    assert count(client, url) == few
    assert few <= ceiling
