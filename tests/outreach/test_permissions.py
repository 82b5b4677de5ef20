"""The permission matrix over the new staff pages of messages and recognition: role x own
facility / other facility (DESIGN: record to message volunteers and make certificates, view
for milestones, the program capability for statewide certificates)."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from facilities.access import Capability
from facilities.models import Facility, Role
from outreach import messages as M
from outreach import recognition as R
from outreach.models import Audience, CertificateJob, Message
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.activation_helpers import active_grant

VIEW, RECORD, PROGRAM = Capability.VIEW, Capability.RECORD, Capability.PROGRAM
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD},
    "site_coordinator": {VIEW, RECORD},
    "chaplain": {VIEW, RECORD},
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


@dataclass
class Place:
    facility: Facility
    message: Message
    job: CertificateJob


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]
    statewide: CertificateJob


def _job(facility: Facility | None, by: User) -> CertificateJob:
    job = R.request_certificates(facility=facility, by=by)
    R.make_certificates.call(job_id=job.pk)
    job.refresh_from_db()
    return job


def _place(facility: Facility, by: User) -> Place:
    active_grant(facility, by=by)
    people = list(M.recipients(facility=facility, audience=Audience.ACTIVE))
    message = M.send_message(
        facility=facility,
        audience=Audience.ACTIVE,
        session=None,
        subject="Hello",
        body="Text",
        digest=M.recipients_digest(people),
        by=by,
    )
    return Place(facility=facility, message=message, job=_job(facility, by))


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
        yield World(users=users, places=places, statewide=_job(None, users["pic"]))
        transaction.set_rollback(True)


def _code(p: Place, w: World) -> dict[str, Any]:
    return {"code": p.facility.code}


ROUTES: list[tuple[str, str, Capability, Any, dict[str, Any], int, bool]] = [
    ("outreach_messages:messages", "get", RECORD, _code, {}, 200, False),
    (
        "outreach_messages:messages",
        "post",
        RECORD,
        _code,
        {"audience": "active", "subject": "Hi", "body": "Text"},
        200,
        False,
    ),
    (
        "outreach_messages:message",
        "get",
        RECORD,
        lambda p, w: {"code": p.facility.code, "message_id": p.message.pk},
        {},
        200,
        False,
    ),
    ("recognition:certificates", "get", RECORD, _code, {}, 200, False),
    ("recognition:certificates", "post", RECORD, _code, {}, 302, False),
    (
        "recognition:certificate_job",
        "get",
        RECORD,
        lambda p, w: {"code": p.facility.code, "job_id": p.job.pk},
        {},
        200,
        False,
    ),
    (
        "recognition:certificate_download",
        "get",
        RECORD,
        lambda p, w: {"code": p.facility.code, "job_id": p.job.pk},
        {},
        200,
        False,
    ),
    ("recognition:milestones", "get", VIEW, _code, {}, 200, False),
    ("recognition:statewide_certificates", "get", PROGRAM, lambda p, w: {}, {}, 200, True),
    ("recognition:statewide_certificates", "post", PROGRAM, lambda p, w: {}, {}, 302, True),
    (
        "recognition:statewide_job",
        "get",
        PROGRAM,
        lambda p, w: {"job_id": w.statewide.pk},
        {},
        200,
        True,
    ),
    (
        "recognition:statewide_download",
        "get",
        PROGRAM,
        lambda p, w: {"job_id": w.statewide.pk},
        {},
        200,
        True,
    ),
]


def test_the_matrix_covers_every_new_staff_url() -> None:
    from outreach import messages_urls, recognition_urls

    names = {
        f"{ns}:{p.name}"
        for patterns, ns in (messages_urls.staff_patterns, recognition_urls.staff_patterns)
        for p in patterns
    }
    assert {route[0] for route in ROUTES} == names


def expected(cap: Capability, success: int, statewide: bool, role: str, where: str) -> Any:
    if role == "anonymous":
        return "sign-in"
    if role in ("applicant", "no_role"):
        return 403
    if role == "pic":
        return success
    if statewide:
        return 403
    if where == "other":
        return 404
    return success if cap in ROLE_CAPABILITIES[role] else 403


CASES = [
    pytest.param(route, role, where, id=f"{route[1]} {route[0]}-{role}-{where}")
    for route in ROUTES
    for role in ROLES
    for where in ("own", "other")
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role", "where"), CASES)
def test_permission_matrix(world: World, client: Client, route: Any, role: str, where: str) -> None:
    name, method, cap, kwargs, data, success, statewide = route
    place = world.places[where]
    if role != "anonymous":
        client.force_login(world.users[role])

    response = getattr(client, method)(reverse(name, kwargs=kwargs(place, world)), data)

    want = expected(cap, success, statewide, role, where)
    if want == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
        return
    assert response.status_code == want
    if want == 302:
        assert response["Location"].startswith("/staff/")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["outreach_portal:messages", "recognition_portal:recognition"])
def test_the_portal_pages_are_the_applicant_s(world: World, client: Client, name: str) -> None:
    assert client.get(reverse(name)).status_code == 302  # to the e-mail sign-in
    client.force_login(world.users["iac"])
    assert client.get(reverse(name)).status_code == 403
