"""The staff side of the gate kiosk: enrolling a tablet (the cookie it gets, the session it
loses), revoking it, the facility's kiosk page and log, and the permission matrix of its
URLs (role x own facility / other facility)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from audit.models import AuditEvent
from facilities.access import Capability
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.activation_helpers import active_grant
from volunteers import kiosk
from volunteers.models import (
    FacilityAccess,
    KioskAttempt,
    KioskDevice,
    KioskVisit,
    KioskVisitStatus,
)
from volunteers.sweep import Digest

VIEW, RECORD = Capability.VIEW, Capability.RECORD
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD},
    "site_coordinator": {VIEW, RECORD},
    "chaplain": {VIEW, RECORD},  # DESIGN: opening the gate kiosk is a record action
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


@dataclass
class Place:
    facility: Facility
    grant: FacilityAccess
    device: KioskDevice
    visit: KioskVisit  # left open yesterday, closed by the sweep: to fix


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]


def _place(facility: Facility, by: User) -> Place:
    yesterday = age.today() - timedelta(days=1)
    grant = active_grant(facility, by=by, on=yesterday)
    device, _token = kiosk.enrol_device(facility=facility, name="Front desk", by=by)
    kiosk.scan_badge(
        device=device,
        entered=grant.badge_number or "",
        now=timezone.make_aware(datetime.combine(yesterday, time(10, 0))),
    )
    kiosk.close_open_visits(age.today(), Digest())
    return Place(facility, grant, device, KioskVisit.objects.get(access=grant))


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


Kwargs = Callable[[Place], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    cap: Capability
    kwargs: Kwargs
    data: dict[str, Any]
    success: int


def code(p: Place) -> dict[str, Any]:
    return {"code": p.facility.code}


ROUTES = [
    Route("volunteers:kiosk", "get", VIEW, code, {}, 200),
    Route("volunteers:kiosk_enrol", "post", RECORD, code, {"name": "Lobby tablet"}, 302),
    Route(
        "volunteers:kiosk_revoke",
        "post",
        RECORD,
        lambda p: {"code": p.facility.code, "device_id": p.device.pk},
        {},
        302,
    ),
    Route(
        "volunteers:kiosk_fix",
        "post",
        RECORD,
        lambda p: {"code": p.facility.code, "visit_id": p.visit.pk},
        {"left_at": "12:10", "program_area": "education"},
        302,
    ),
]


def test_the_matrix_covers_every_kiosk_staff_url() -> None:
    from volunteers import urls

    names = {f"volunteers:{p.name}" for p in urls.urlpatterns if "kiosk" in str(p.pattern)}
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
        pytest.param(route, role, where, id=f"{route.name}-{role}-{where}")
        for route in ROUTES
        for role in ROLES
        for where in ("own", "other")
    ],
)
def test_permission_matrix(
    world: World, client: Client, route: Route, role: str, where: str
) -> None:
    place = world.places[where]
    url = reverse(route.name, kwargs=route.kwargs(place))
    if role != "anonymous":
        client.force_login(world.users[role])
    kiosk_rows = AuditEvent.objects.filter(action__startswith="volunteers.kiosk")
    before = kiosk_rows.count()

    response = getattr(client, route.method)(url, route.data)

    want = expected(route, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    assert response.status_code == want, response.content.decode()[:300]
    if want == 302:
        assert not response["Location"].startswith("/staff/login/")
        assert kiosk_rows.count() == before + 1  # every kiosk action is audited
    else:
        assert kiosk_rows.count() == before  # refused: nothing done, nothing audited


# Enrolling and revoking ---------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolling_sets_a_strict_kiosk_cookie_and_ends_the_staff_session(
    world: World, client: Client
) -> None:
    place = world.places["own"]
    iac = world.users["iac"]
    client.force_login(iac)

    response = client.post(
        reverse("volunteers:kiosk_enrol", args=[place.facility.code]), {"name": "Lobby tablet"}
    )

    assert response["Location"] == reverse("kiosk:desk", args=[place.facility.code])
    cookie = response.cookies[kiosk.COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/kiosk/"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    device = KioskDevice.objects.get(name="Lobby tablet")
    # Only the token's hash is kept.
    assert device.token_hash != cookie.value
    assert cookie.value not in device.token_hash
    assert kiosk.device_for_token(cookie.value) == device
    assert device.facility == place.facility
    event = AuditEvent.objects.get(action="volunteers.kiosk_enrolled", target_id=str(device.pk))
    assert (event.actor_id, event.facility_code) == (str(iac.pk), place.facility.code)
    # The tablet holds no staff session now: staff pages send it to the sign-in ...
    staff = client.get(reverse("volunteers:kiosk", args=[place.facility.code]))
    assert staff.status_code == 302
    assert staff["Location"].startswith("/staff/login/")
    # ... and the kiosk opens by its cookie alone.
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_cookie_is_secure_when_sessions_are(
    world: World, client: Client, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    client.force_login(world.users["iac"])
    response = client.post(
        reverse("volunteers:kiosk_enrol", args=["ACC"]), {"name": "Lobby tablet"}, secure=True
    )
    assert response.cookies[kiosk.COOKIE_NAME]["secure"]


@pytest.mark.django_db
def test_revoking_is_audited_and_listed(world: World, client: Client) -> None:
    place = world.places["own"]
    iac = world.users["iac"]
    client.force_login(iac)
    page = client.get(reverse("volunteers:kiosk", args=[place.facility.code])).content.decode()
    assert "Front desk" in page
    assert reverse("volunteers:kiosk_revoke", args=[place.facility.code, place.device.pk]) in page

    client.post(reverse("volunteers:kiosk_revoke", args=[place.facility.code, place.device.pk]))

    place.device.refresh_from_db()
    assert place.device.revoked_at is not None
    assert place.device.revoked_by == iac
    assert AuditEvent.objects.filter(
        action="volunteers.kiosk_revoked", target_id=str(place.device.pk), actor_id=str(iac.pk)
    ).exists()
    page = client.get(reverse("volunteers:kiosk", args=[place.facility.code])).content.decode()
    assert "Revoked on" in page
    # Revoking twice is refused, and nothing more is audited.
    client.post(reverse("volunteers:kiosk_revoke", args=[place.facility.code, place.device.pk]))
    assert AuditEvent.objects.filter(action="volunteers.kiosk_revoked").count() == 1


@pytest.mark.django_db
def test_the_facility_page_links_the_kiosk(world: World, client: Client) -> None:
    client.force_login(world.users["chaplain"])
    page = client.get(reverse("staff:facility", args=["ACC"])).content.decode()
    assert reverse("volunteers:kiosk", args=["ACC"]) in page


@pytest.mark.django_db
def test_the_kiosk_page_shows_no_other_facilitys_log(world: World, client: Client) -> None:
    other = world.places["other"]
    client.force_login(world.users["iac"])
    page = client.get(reverse("volunteers:kiosk", args=["ACC"])).content.decode()
    assert str(other.grant.person) not in page
    assert other.grant.badge_number not in page


# Query counts -------------------------------------------------------------------------------


def _grow(place: Place, by: User, visits: int) -> None:
    """More devices, attempts and visits to fix at `place`."""
    for number in range(visits):
        device, _token = kiosk.enrol_device(facility=place.facility, name=f"Tablet {number}", by=by)
        grant = active_grant(place.facility, by=by, on=age.today() - timedelta(days=1))
        KioskVisit.objects.create(
            device=device,
            facility=place.facility,
            access=grant,
            person=grant.person,
            signed_in_at=timezone.now() - timedelta(days=1),
            status=KioskVisitStatus.NO_SIGN_OUT,
        )
        KioskVisit.objects.create(
            device=device,
            facility=place.facility,
            access=grant,
            person=grant.person,
            signed_in_at=timezone.now(),
        )
        KioskAttempt.objects.create(
            device=device,
            facility=place.facility,
            badge_entered="X",
            access=grant,
            outcome="refused",
            reason="suspended",
        )


@pytest.mark.django_db
def test_the_kiosk_page_makes_the_same_queries_at_two_sizes(
    world: World, client: Client, django_assert_num_queries: Any
) -> None:
    place = world.places["own"]
    iac = world.users["iac"]
    client.force_login(iac)
    url = reverse("volunteers:kiosk", args=[place.facility.code])
    client.get(url)  # warm the session and the user's caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(place, iac, 3)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Close the visit") == 4
