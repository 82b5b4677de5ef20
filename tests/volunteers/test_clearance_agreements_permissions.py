"""The permission matrix over the clearance list and the agreement pages (role x own /
other facility): view pages for every facility role, recording a paper signature needs
the record capability, publishing the program capability (PIC Coordinator only)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from facilities.access import Capability
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory
from tests.volunteers.activation_helpers import active_grant, grant_at
from volunteers.models import AgreementSignature, AgreementVersion, FacilityAccess
from volunteers.services.agreements import publish_version, record_paper_signature

VIEW, RECORD, PROGRAM = Capability.VIEW, Capability.RECORD, Capability.PROGRAM
ROLE_CAPABILITIES = {
    "iac": {VIEW, RECORD, Capability.DECIDE},
    "site_coordinator": {VIEW, RECORD, Capability.DECIDE},
    "chaplain": {VIEW, RECORD},
}
ROLES = ["iac", "site_coordinator", "chaplain", "pic", "applicant", "anonymous", "no_role"]


@dataclass
class Place:
    facility: Facility
    grant: FacilityAccess  # pending, with a second agreement left to sign on paper
    signature: AgreementSignature


@dataclass
class World:
    users: dict[str, User]
    places: dict[str, Place]
    unsigned: AgreementVersion


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4 paper", "application/pdf")


def _place(facility: Facility, by: User, version: AgreementVersion) -> Place:
    active_grant(facility, by=by)  # someone on the clearance list
    grant = grant_at(facility, by=by)
    signature = record_paper_signature(
        person=grant.person,
        version=version,
        signed_name=grant.person.full_name,
        signed_on=age.today(),
        scan=_scan(),
        by=by,
        facility=facility,
    )
    return Place(facility=facility, grant=grant, signature=signature)


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
        signed = publish_version(
            by="tests",
            kind="service_agreement",
            title="Service",
            text_en="Serve.",
            effective_on=age.today(),
        )
        places = {
            "own": _place(a, users["iac"], signed),
            "other": _place(b, member(b, Role.IAC), signed),
        }
        unsigned = publish_version(
            by="tests", kind="prea", title="PREA", text_en="Zero.", effective_on=age.today()
        )
        yield World(users=users, places=places, unsigned=unsigned)
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

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def code(p: Place, w: World) -> dict[str, Any]:
    return {"code": p.facility.code}


def grant(p: Place, w: World) -> dict[str, Any]:
    return {"code": p.facility.code, "grant_id": p.grant.pk}


def signature(p: Place, w: World) -> dict[str, Any]:
    return {**grant(p, w), "signature_id": p.signature.pk}


def paper(p: Place, w: World) -> dict[str, Any]:
    return {
        "version": w.unsigned.pk,
        "signed_name": p.grant.person.full_name,
        "signed_on": age.today().isoformat(),
        "language": "en",
        "scan": _scan(),
    }


def publishing(p: Place, w: World) -> dict[str, Any]:
    return {
        "kind": "confidentiality",
        "title": "Confidentiality",
        "text_en": "Keep it to yourself.",
        "effective_on": age.today().isoformat(),
    }


ROUTES = [
    Route("volunteers:clearance", "get", VIEW, code),
    Route("volunteers:clearance_pdf", "get", VIEW, code),
    Route("volunteers:clearance_csv", "get", VIEW, code),
    Route("volunteers:access_agreements", "get", VIEW, grant),
    Route("volunteers:access_agreement_pdf", "get", VIEW, signature),
    Route("volunteers:access_agreement_scan", "get", VIEW, signature),
    Route("volunteers:access_agreement_paper", "post", RECORD, grant, paper, 302),
    Route("volunteers:agreements", "get", PROGRAM, lambda p, w: {}, statewide=True),
    Route(
        "volunteers:agreement_publish",
        "post",
        PROGRAM,
        lambda p, w: {},
        publishing,
        302,
        statewide=True,
    ),
]


def expected(route: Route, role: str, where: str) -> int | str:
    if role == "anonymous":
        return "sign-in"
    if role in ("applicant", "no_role"):
        return 403
    if role == "pic":
        return route.success
    if route.statewide:
        return 403
    if where == "other":
        return 404
    if route.cap not in ROLE_CAPABILITIES[role]:
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
        assert response["Location"].startswith("/staff/")
        assert not response["Location"].startswith("/staff/login/")
