"""Who reaches the sign-in security pages: the PIC Coordinator's (two-step resets, sign-in
locks) and every coordinator's "Stay signed in". None is a facility's, so own and other
facility are the same: a coordinator of any facility gets 403 on the PIC Coordinator's."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from facilities.models import Role
from tests.conftest import member
from tests.factories import FacilityFactory, StaffUserFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

# The staff-wide matrix (tests/screening/test_permissions.py) reads what this file covers:
# (name, method, path, data, who succeeds, with what).
PIC_ONLY, ANY_COORDINATOR = {"pic"}, {"pic", "iac", "site_coordinator", "chaplain"}
ROUTES = [
    ("staff:two_step", "get", "/staff/security/two-step/", {}, PIC_ONLY, 200),
    ("staff:two_step_reset", "post", "/staff/security/two-step/{target}/reset/", {}, PIC_ONLY, 302),
    ("staff:lockouts", "get", "/staff/security/locks/", {}, PIC_ONLY, 200),
    (
        "staff:unlock",
        "post",
        "/staff/security/locks/unlock/",
        {"email": "someone@doc.example.org"},
        PIC_ONLY,
        302,
    ),
    (
        "staff:stay_signed_in",
        "post",
        "/staff/session/stay/",
        {"next": "/staff/"},
        ANY_COORDINATOR,
        302,
    ),
]
ROLES = ["pic", "iac", "site_coordinator", "chaplain", "no_role", "applicant", "anonymous"]


def _user(role: str, where: str) -> User | None:
    facility = FacilityFactory.create(code="ACC" if where == "own" else "BCC")
    if role == "pic":
        return StaffUserFactory.create(pic_coordinator=True)
    if role in ("iac", "site_coordinator", "chaplain"):
        return member(facility, Role(role))
    if role == "no_role":
        return StaffUserFactory.create()
    if role == "applicant":
        return UserFactory.create()
    return None


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[r[0] for r in ROUTES])
def test_security_pages_matrix(client: Client, route: Any, role: str, where: str) -> None:
    _name, method, path, data, allowed, success = route
    target = StaffUserFactory.create()
    user = _user(role, where)
    if user is not None:
        client.force_login(user)

    response = getattr(client, method)(path.format(target=target.pk), data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
    elif role in allowed:
        assert response.status_code == success
    else:
        assert response.status_code == 403
