"""The permission matrix of every service-hours staff URL: role x own / other facility
(DESIGN: hours are "record", which a chaplain holds too; another facility is 404)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from facilities.access import Capability
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.hours_helpers import days_ago, log, volunteer
from volunteers.models import FacilityAccess, HourEntry, HourStatus

VIEW, RECORD = Capability.VIEW, Capability.RECORD
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD},
    "site_coordinator": {VIEW, RECORD},
    "chaplain": {VIEW, RECORD},
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


@dataclass
class Place:
    facility: Facility
    grant: FacilityAccess
    entry: HourEntry


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]


def _place(facility: Facility, by: User) -> Place:
    grant = volunteer(facility, by=by)
    return Place(facility=facility, grant=grant, entry=log(grant))


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        a = FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
        b = FacilityFactory.create(code="BCC", name="Boonville Correctional Center")
        users = {
            "iac": member(a, Role.IAC),
            "site_coordinator": member(a, Role.SITE_COORDINATOR),
            "chaplain": member(a, Role.CHAPLAIN),
            "pic": StaffUserFactory.create(pic_coordinator=True),
            "applicant": UserFactory.create(),
            "no_role": StaffUserFactory.create(),
        }
        places = {"own": _place(a, users["iac"]), "other": _place(b, member(b, Role.IAC))}
        yield World(users=users, places=places)
        transaction.set_rollback(True)


Data = Callable[[Place], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    cap: Capability
    data: Data = lambda p: {}
    success: int = 200

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def staff_entry(p: Place) -> dict[str, Any]:
    return {
        "access": p.grant.pk,
        "worked_on": days_ago(5).isoformat(),
        "program_area": "education",
        "hours": "1.5",
    }


ROUTES = [
    Route("volunteers:hours_queue", "get", VIEW),
    Route("volunteers:hours_totals", "get", VIEW),
    Route("volunteers:hours_decide", "post", RECORD, lambda p: {"approve": p.entry.pk}, 302),
    Route("volunteers:hours_enter", "get", RECORD),
    Route("volunteers:hours_enter", "post", RECORD, staff_entry, 302),
    Route("volunteers:hours_import", "get", RECORD),
    Route("volunteers:hours_import_template", "get", RECORD),
]


def test_the_matrix_covers_every_hours_url() -> None:
    from volunteers import urls

    names = {f"volunteers:{p.name}" for p in urls.urlpatterns if "hours" in str(p.name)}
    assert {route.name for route in ROUTES} == names


def expected(route: Route, role: str, where: str) -> int | str:
    if role == "anonymous":
        return "sign-in"
    if role in ("applicant", "no_role"):
        return 403
    if role == "pic":
        return route.success
    if where == "other":
        return 404
    return route.success if route.cap in ROLE_CAPABILITIES[role] else 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "role", "where"),
    [
        pytest.param(r, role, where, id=f"{r.id}-{role}-{where}")
        for r in ROUTES
        for role in ROLES
        for where in ("own", "other")
    ],
)
def test_permission_matrix(
    world: World, client: Client, route: Route, role: str, where: str
) -> None:
    place = world.places[where]
    url = reverse(route.name, args=[place.facility.code])
    if role != "anonymous":
        client.force_login(world.users[role])

    response = getattr(client, route.method)(url, route.data(place))

    want = expected(route, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    assert response.status_code == want
    if want == 302:
        assert response["Location"].startswith("/staff/facilities/")


@pytest.mark.django_db
def test_another_facilitys_entry_cannot_be_decided_from_here(world: World, client: Client) -> None:
    own, other = world.places["own"], world.places["other"]
    client.force_login(world.users["iac"])

    client.post(
        reverse("volunteers:hours_decide", args=[own.facility.code]), {"approve": other.entry.pk}
    )

    other.entry.refresh_from_db()
    assert other.entry.status == HourStatus.PENDING
