"""The permission matrix over the activation pages: role x own facility / other facility.

DESIGN (Non-functional, and the capability table): anonymous visitors go to the staff
sign-in; a signed-in applicant gets 403; another facility's object is 404; a chaplain may
record but not decide (activate, upgrade: 403); statewide sessions are the PIC
Coordinator's (403 for everyone else). Allowed: 200 for a page, 302 for an action done.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from facilities.access import Capability
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    VOLUNTEER_ORIENTATION,
    active_grant,
    born_turning,
    complete,
    course,
    grant_at,
    not_leap_day,
    session_at,
)
from volunteers import activation
from volunteers.models import Enrollment, FacilityAccess, TrainingSession

VIEW, RECORD, DECIDE, PROGRAM = (
    Capability.VIEW,
    Capability.RECORD,
    Capability.DECIDE,
    Capability.PROGRAM,
)
# DESIGN's capability table, written out again (facilities/access.py is what is tested).
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD, DECIDE},
    "site_coordinator": {VIEW, RECORD, DECIDE},
    "chaplain": {VIEW, RECORD},
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


@dataclass
class Place:
    facility: Facility
    pending: FacilityAccess  # everything done: activation succeeds
    active: FacilityAccess  # activated before the 19th birthday, which has come: upgradable
    session: TrainingSession  # upcoming, with the pending person signed up
    open_session: TrainingSession  # upcoming, nobody yet
    enrollment: Enrollment


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]
    statewide: TrainingSession


def _place(facility: Facility, by: User) -> Place:
    pending = grant_at(facility, by=by)
    complete(pending, by=by)
    birthday = not_leap_day(age.today())
    active = active_grant(
        facility, by=by, on=birthday - timedelta(days=10), born=born_turning(19, birthday)
    )
    session = session_at(facility, by=by)
    enrollment = activation.enrol(session=session, person=pending.person, by=by)
    return Place(
        facility=facility,
        pending=pending,
        active=active,
        session=session,
        open_session=session_at(facility, by=by),
        enrollment=enrollment,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Like Django's setUpTestData: each test runs in a savepoint inside this transaction."""
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
        statewide = session_at(None, code=VOLUNTEER_ORIENTATION)
        yield World(users=users, places=places, statewide=statewide)
        transaction.set_rollback(True)


Kwargs = Callable[[Place, World], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    cap: Capability
    kwargs: Kwargs
    data: Kwargs = lambda p, w: {}
    success: int = 200
    statewide: bool = False
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}{f' ({self.label})' if self.label else ''}"


def grant(which: str) -> Kwargs:
    return lambda p, w: {"code": p.facility.code, "grant_id": getattr(p, which).pk}


def code(p: Place, w: World) -> dict[str, Any]:
    return {"code": p.facility.code}


def session(p: Place, w: World) -> dict[str, Any]:
    return {"code": p.facility.code, "session_id": p.session.pk}


def statewide(p: Place, w: World) -> dict[str, Any]:
    return {"session_id": w.statewide.pk}


def schedule(p: Place, w: World) -> dict[str, Any]:
    starts = timezone.localtime() + timedelta(days=3)
    return {
        "course": course(FACILITY_ORIENTATION).pk,
        "place": "Visiting room",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": 12,
    }


ROUTES = [
    # Pages.
    Route("volunteers:access", "get", VIEW, grant("pending"), label="pending"),
    Route("volunteers:access", "get", VIEW, grant("active"), label="active"),
    Route("volunteers:access_letter", "get", VIEW, grant("active")),
    Route("volunteers:access_badge", "get", VIEW, grant("active")),
    Route("volunteers:roster", "get", VIEW, code),
    Route("volunteers:roster_csv", "get", VIEW, code),
    Route("volunteers:sessions", "get", VIEW, code),
    Route("volunteers:session", "get", VIEW, session),
    # Recording.
    Route(
        "volunteers:access_completion",
        "post",
        RECORD,
        grant("pending"),
        lambda p, w: {
            "course": course(VOLUNTEER_ORIENTATION).pk,
            "completed_on": age.today().isoformat(),
        },
        302,
    ),
    Route(
        "volunteers:access_tb_test",
        "post",
        RECORD,
        grant("pending"),
        lambda p, w: {"tested_on": age.today().isoformat(), "result": "negative"},
        302,
    ),
    Route(
        "volunteers:access_enrol",
        "post",
        RECORD,
        grant("pending"),
        lambda p, w: {"session": p.open_session.pk},
        302,
    ),
    Route("volunteers:sessions", "post", RECORD, code, schedule, 302),
    Route(
        "volunteers:session",
        "post",
        RECORD,
        session,
        lambda p, w: {"action": "enrol", "person": p.active.person.pk},
        302,
    ),
    Route(
        "volunteers:cancel_enrolment",
        "post",
        RECORD,
        lambda p, w: {
            "code": p.facility.code,
            "session_id": p.session.pk,
            "enrollment_id": p.enrollment.pk,
        },
        success=302,
    ),
    # Deciding.
    Route("volunteers:access_activate", "post", DECIDE, grant("pending"), success=302),
    Route("volunteers:access_upgrade", "post", DECIDE, grant("active"), success=302),
    # The program: statewide sessions.
    Route("volunteers:statewide_sessions", "get", PROGRAM, lambda p, w: {}, statewide=True),
    Route(
        "volunteers:statewide_sessions",
        "post",
        PROGRAM,
        lambda p, w: {},
        lambda p, w: {**schedule(p, w), "course": course(VOLUNTEER_ORIENTATION).pk},
        302,
        statewide=True,
    ),
    Route("volunteers:statewide_session", "get", PROGRAM, statewide, statewide=True),
    Route(
        "volunteers:statewide_session",
        "post",
        PROGRAM,
        statewide,
        lambda p, w: {"action": "enrol", "person": p.pending.person.pk},
        302,
        statewide=True,
    ),
]
NAMES = {
    "volunteers:access",
    "volunteers:access_completion",
    "volunteers:access_tb_test",
    "volunteers:access_enrol",
    "volunteers:access_activate",
    "volunteers:access_upgrade",
    "volunteers:access_letter",
    "volunteers:access_badge",
    "volunteers:roster",
    "volunteers:roster_csv",
    "volunteers:sessions",
    "volunteers:session",
    "volunteers:cancel_enrolment",
    "volunteers:statewide_sessions",
    "volunteers:statewide_session",
}


def test_the_matrix_covers_every_activation_url() -> None:
    assert {route.name for route in ROUTES} == NAMES


def expected(route: Route, role: str, where: str) -> int | str:
    if role == "anonymous":
        return "sign-in"
    if role in ("applicant", "no_role"):
        return 403
    if role == "pic":
        return route.success
    held = ROLE_CAPABILITIES[role]
    if route.statewide:
        return 403  # a program capability: no facility role holds it
    if where == "other":
        return 404
    if route.cap not in held:
        return 403
    return route.success


CASES = [
    pytest.param(route, role, where, id=f"{route.id}-{role}-{where}")
    for route in ROUTES
    for role in ROLES
    for where in ("own", "other")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "where"), CASES)
def test_permission_matrix(
    world: World, client: Client, route: Route, role: str, where: str
) -> None:
    place = world.places[where]
    url = reverse(route.name, kwargs=route.kwargs(place, world))
    if role != "anonymous":
        client.force_login(world.users[role])

    response = getattr(client, route.method)(url, route.data(place, world))

    want = expected(route, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    detail = "" if response.status_code in (200, 302) else response.content.decode()[:300]
    assert response.status_code == want, detail
    if want == 302:
        # An action that succeeded goes back to a staff page, not to the sign-in.
        assert response["Location"].startswith("/staff/")
        assert not response["Location"].startswith("/staff/login/")


@pytest.mark.django_db
def test_a_chaplain_is_not_offered_the_decisions(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["chaplain"])

    page = client.get(
        reverse("volunteers:access", args=[place.facility.code, place.pending.pk])
    ).content.decode()

    assert "Activate and assign the badge" not in page
    assert "Record a training" in page


@pytest.mark.django_db
def test_the_activation_succeeded_for_those_allowed(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["site_coordinator"])

    client.post(reverse("volunteers:access_activate", args=[place.facility.code, place.pending.pk]))

    place.pending.refresh_from_db()
    assert place.pending.badge_number == "ACC-00002"  # the active grant holds 00001
