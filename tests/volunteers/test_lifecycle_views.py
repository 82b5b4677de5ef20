"""The lifecycle's pages: the permission matrix over every new staff URL (role x own/other
facility), forms that come back with errors and what was typed, the roster's bulk moves
row by row, the volunteer's portal, and the level in effect shown beside the approved one
(issue 8 item 6)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from facilities.access import Capability
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.activation_helpers import active_grant
from tests.volunteers.lifecycle_helpers import in_status, renewable
from tests.volunteers.test_activation_permissions import ROLES, Route, expected
from volunteers import services
from volunteers.models import AccessCheck, AccessStatus, FacilityAccess

VIEW, RECORD, DECIDE = Capability.VIEW, Capability.RECORD, Capability.DECIDE


@dataclass
class Place:
    facility: Facility
    active: FacilityAccess
    suspended: FacilityAccess
    renewable: FacilityAccess
    check: AccessCheck


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]


def _place(facility: Facility, by: User) -> Place:
    active = active_grant(facility, by=by)
    return Place(
        facility=facility,
        active=active,
        suspended=in_status(facility, AccessStatus.SUSPENDED, by=by),
        renewable=renewable(facility, by=by),
        check=active.checks.get(),
    )


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


def grant(which: str) -> Any:
    return lambda p, w: {"code": p.facility.code, "grant_id": getattr(p, which).pk}


def check(p: Place, w: Any) -> dict[str, Any]:
    return {"code": p.facility.code, "grant_id": p.active.pk, "check_id": p.check.pk}


TODAY = age.today().isoformat()
RECHECK = {"check_type": "ncic", "run_on": TODAY, "outcome": "cleared", "performed_by": "FBI"}
ROUTES = [
    Route(
        "volunteers:access_suspend",
        "post",
        DECIDE,
        grant("active"),
        lambda p, w: {"reason": "x"},
        302,
    ),
    Route("volunteers:access_restore", "post", DECIDE, grant("suspended"), success=302),
    Route(
        "volunteers:access_end",
        "post",
        DECIDE,
        grant("active"),
        lambda p, w: {"exit_note": "Left", "badge_returned": "no"},
        302,
    ),
    Route(
        "volunteers:access_revoke",
        "post",
        DECIDE,
        grant("active"),
        lambda p, w: {"reason": "Cause"},
        302,
    ),
    Route("volunteers:access_renew", "post", DECIDE, grant("renewable"), success=302),
    Route(
        "volunteers:access_level",
        "post",
        DECIDE,
        grant("active"),
        lambda p, w: {"level": AccessLevel.NO_CONTACT, "reason": "Incident"},
        302,
    ),
    Route("volunteers:access_recheck", "post", RECORD, grant("active"), lambda p, w: RECHECK, 302),
    Route(
        "volunteers:access_check_rerun",
        "post",
        RECORD,
        check,
        lambda p, w: {**RECHECK, "reason": "Again"},
        302,
    ),
    Route(
        "volunteers:access_check_void", "post", RECORD, check, lambda p, w: {"reason": "Typo"}, 302
    ),
    Route(
        "volunteers:roster_bulk",
        "post",
        DECIDE,
        lambda p, w: {"code": p.facility.code},
        lambda p, w: {"grants": [p.active.pk], "action": "suspend", "reason": "Lockdown"},
        200,
    ),
]

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
    url = reverse(route.name, kwargs=route.kwargs(place, world))  # type: ignore[arg-type]
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.post(url, route.data(place, world))  # type: ignore[arg-type]
    want = expected(route, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    detail = "" if response.status_code in (200, 302) else response.content.decode()[:300]
    assert response.status_code == want, detail
    if want == 302:
        assert response["Location"] == reverse(
            "volunteers:access",
            args=[place.facility.code, route.kwargs(place, world)["grant_id"]],  # type: ignore[arg-type]
        )
    if route.name == "volunteers:roster_bulk" and want == 200:
        assert "Done: now Suspended." in response.content.decode()


@pytest.mark.django_db
def test_bad_input_comes_back_with_what_was_typed(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["iac"])
    url = reverse("volunteers:access_suspend", args=[place.facility.code, place.active.pk])
    response = client.post(url, {"reason": "", "review_on": "2001-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That could not be done" in page
    assert 'value="2001-01-01"' in page
    assert "The review date must be after today." in page
    assert FacilityAccess.objects.get(pk=place.active.pk).status == AccessStatus.ACTIVE


@pytest.mark.django_db
def test_a_refused_renewal_lists_what_is_missing(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["iac"])
    place.renewable.person.tb_tests.update(valid_until=age.today() - timedelta(days=1))
    url = reverse("volunteers:access_renew", args=[place.facility.code, place.renewable.pk])
    page = client.post(url, follow=True).content.decode()
    assert "The TB test is not current." in page


@pytest.mark.django_db
def test_a_chaplain_sees_the_recheck_but_no_decisions(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["chaplain"])
    page = client.get(
        reverse("volunteers:access", args=[place.facility.code, place.active.pk])
    ).content.decode()
    assert "Record a background re-check" in page
    assert "Revoke for cause" not in page
    assert "Also ban statewide" not in page


@pytest.mark.django_db
def test_only_the_pic_coordinator_is_offered_the_ban(world: World, client: Client) -> None:
    place = world.places["own"]
    url = reverse("volunteers:access", args=[place.facility.code, place.active.pk])
    client.force_login(world.users["iac"])
    assert "Also ban statewide" not in client.get(url).content.decode()
    client.force_login(world.users["pic"])
    assert "Also ban statewide" in client.get(url).content.decode()
    revoke = reverse("volunteers:access_revoke", args=[place.facility.code, place.active.pk])
    client.post(revoke, {"reason": "Cause", "ban": "on", "badge_returned": "no"})
    assert services.standing_ban(place.active.person) is not None


@pytest.mark.django_db
def test_an_iac_cannot_ban_by_posting_the_field(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["iac"])
    revoke = reverse("volunteers:access_revoke", args=[place.facility.code, place.active.pk])
    client.post(revoke, {"reason": "Cause", "ban": "on", "badge_returned": "no"})
    assert FacilityAccess.objects.get(pk=place.active.pk).status == AccessStatus.REVOKED
    assert services.standing_ban(place.active.person) is None


@pytest.mark.django_db
def test_bulk_mixes_done_and_refused_rows(world: World, client: Client) -> None:
    place = world.places["own"]
    other = world.places["other"]
    client.force_login(world.users["iac"])
    response = client.post(
        reverse("volunteers:roster_bulk", args=[place.facility.code]),
        {
            "grants": [place.active.pk, place.suspended.pk, place.renewable.pk],
            "action": "renew",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Refused") == 2  # the active one not yet in its window, the suspended one
    assert page.count("Done: now Active.") == 1
    assert "Only active or expired access can be renewed." in page
    assert "Renewal opens on" in page
    assert FacilityAccess.objects.get(pk=place.renewable.pk).events.last().kind == "renewed"
    # Another facility's grant is not among the choices: the whole post is refused.
    response = client.post(
        reverse("volunteers:roster_bulk", args=[place.facility.code]),
        {"grants": [place.active.pk, other.active.pk], "action": "suspend", "reason": "x"},
    )
    assert response.status_code == 400
    assert FacilityAccess.objects.get(pk=place.active.pk).status == AccessStatus.ACTIVE
    assert FacilityAccess.objects.get(pk=other.active.pk).status == AccessStatus.ACTIVE


@pytest.mark.django_db
def test_bulk_without_a_selection_comes_back(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["iac"])
    response = client.post(
        reverse("volunteers:roster_bulk", args=[place.facility.code]),
        {"action": "suspend", "reason": "Lockdown"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select at least one volunteer." in page
    assert "Lockdown" in page


@pytest.mark.django_db
def test_bulk_suspend_needs_a_reason(world: World, client: Client) -> None:
    place = world.places["own"]
    client.force_login(world.users["iac"])
    response = client.post(
        reverse("volunteers:roster_bulk", args=[place.facility.code]),
        {"grants": [place.active.pk], "action": "suspend"},
    )
    assert response.status_code == 400
    assert f'value="{place.active.pk}" id="grant-{place.active.pk}" checked' in (
        response.content.decode()
    )


# Issue 8 item 6: the level in effect, with the approved one beside it where they differ.


@pytest.mark.django_db
def test_effective_level_shown_with_approved_everywhere(world: World, client: Client) -> None:
    place = world.places["own"]
    grant = place.active
    services.change_level(
        grant=grant, by=world.users["iac"], level=AccessLevel.NO_CONTACT, reason="Incident"
    )
    shown = 'No offender contact <span class="level-approved">(approved: Offender contact)</span>'
    client.force_login(world.users["iac"])
    person = client.get(reverse("staff:person", args=[grant.person.public_id])).content.decode()
    assert shown in person
    assert "Active (Offender contact)" not in person
    roster = client.get(reverse("volunteers:roster", args=[place.facility.code])).content.decode()
    assert shown in roster
    access = client.get(reverse("volunteers:access", args=[place.facility.code, grant.pk]))
    assert "No offender contact" in access.content.decode()


@pytest.mark.django_db
def test_the_portal_shows_the_level_and_the_history(world: World, client: Client) -> None:
    place = world.places["own"]
    grant = place.active
    services.change_level(
        grant=grant, by=world.users["iac"], level=AccessLevel.NO_CONTACT, reason="Secret"
    )
    user = grant.person.user
    assert user is not None
    client.force_login(user)
    page = client.get(reverse("volunteers_portal:access")).content.decode()
    assert "(approved: Offender contact)" in page
    assert "Level changed" in page
    assert "Secret" not in page  # the staff's reason stays with the staff
