"""The access chokepoint: facilities/access.py and the staff facility pages it guards."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from accounts.models import User
from facilities.access import (
    Capability,
    facilities_for,
    facility_required,
    has_capability,
    has_staff_role,
    is_pic_coordinator,
    staff_required,
)
from facilities.models import Facility, Membership, Role
from facilities.services import remove_coordinator
from tests.factories import FacilityFactory, MembershipFactory, StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

# DESIGN's capability table, written out here rather than read from access.py.
DESIGN_CAPABILITIES: dict[str, set[str]] = {
    "iac": {"view", "record", "decide"},
    "site_coordinator": {"view", "record", "decide"},
    "chaplain": {"view", "record"},
    "pic_coordinator": {"view", "record", "decide", "program"},
    "applicant": set(),
    "staff_without_role": set(),
}
ROLES = list(DESIGN_CAPABILITIES)
CAPABILITIES = ["view", "record", "decide", "program"]


def make_user(role: str, facility: Facility) -> User | None:
    """A user of `role`; a coordinator holds it at `facility`."""
    if role in (Role.IAC, Role.SITE_COORDINATOR, Role.CHAPLAIN):
        membership: Membership = MembershipFactory(facility=facility, role=role)
        return membership.user
    if role == "pic_coordinator":
        return StaffUserFactory(pic_coordinator=True)
    if role == "applicant":
        return UserFactory()
    if role == "staff_without_role":
        return StaffUserFactory()
    assert role == "anonymous"
    return None


@pytest.fixture
def login(client: Client) -> Callable[[User | None], Client]:
    def sign_in(user: User | None) -> Client:
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# role, where → expected status of /staff/facilities/<code>/
MATRIX = [
    ("anonymous", "own", 302),
    ("anonymous", "other", 302),
    ("applicant", "own", 403),
    ("applicant", "other", 403),
    ("staff_without_role", "own", 403),
    ("staff_without_role", "other", 403),
    ("iac", "own", 200),
    ("iac", "other", 404),
    ("site_coordinator", "own", 200),
    ("site_coordinator", "other", 404),
    ("chaplain", "own", 200),
    ("chaplain", "other", 404),
    ("pic_coordinator", "own", 200),
    ("pic_coordinator", "other", 200),
]


@pytest.mark.parametrize(("role", "where", "expected"), MATRIX)
def test_staff_facility_page_matrix(
    login: Callable[[User | None], Client],
    facility: Facility,
    other_facility: Facility,
    role: str,
    where: str,
    expected: int,
) -> None:
    client = login(make_user(role, facility))
    target = facility if where == "own" else other_facility
    url = f"/staff/facilities/{target.code}/"

    response = client.get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"/staff/login/?next={url}"
    if expected == 200:
        assert response.context["facility"] == target
        assert target.name.encode() in response.content
    if expected in (403, 404):
        assert target.name.encode() not in response.content
        assert b"Partners in Corrections" in response.content  # the site layout


def test_unknown_facility_is_404_even_for_the_pic_coordinator(
    login: Callable[[User | None], Client], pic_coordinator: User
) -> None:
    assert login(pic_coordinator).get("/staff/facilities/NOPE/").status_code == 404


def test_staff_facility_page_lists_its_coordinators(
    login: Callable[[User | None], Client], facility: Facility, iac: User, chaplain: User
) -> None:
    content = login(iac).get(f"/staff/facilities/{facility.code}/").content.decode()

    assert f"<td>{iac}</td>" in content
    assert f"<td>{chaplain}</td>" in content
    assert "<td>Chaplain</td>" in content


STAFF_FACILITIES = "/staff/facilities/"


@pytest.mark.parametrize("url", ["/staff/", STAFF_FACILITIES], ids=["queue", "my-facilities"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("applicant", 403),
        ("staff_without_role", 403),
        ("iac", 200),
        ("site_coordinator", 200),
        ("chaplain", 200),
        ("pic_coordinator", 200),
    ],
)
def test_staff_home_matrix(
    login: Callable[[User | None], Client],
    facility: Facility,
    role: str,
    expected: int,
    url: str,
) -> None:
    response = login(make_user(role, facility)).get(url)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == f"/staff/login/?next={url}"


def _home_codes(response: Any) -> set[str]:
    return {f.code for _label, facilities in response.context["groups"] for f in facilities}


@pytest.mark.parametrize("role", [Role.IAC, Role.SITE_COORDINATOR, Role.CHAPLAIN])
def test_my_facilities_lists_only_own_facilities_for_coordinators(
    login: Callable[[User | None], Client],
    facility: Facility,
    other_facility: Facility,
    role: str,
) -> None:
    FacilityFactory(code="PP02")
    user = make_user(role, facility)

    response = login(user).get(STAFF_FACILITIES)

    assert response.status_code == 200
    assert _home_codes(response) == {facility.code}
    assert other_facility.name.encode() not in response.content


def test_my_facilities_lists_every_membership(
    login: Callable[[User | None], Client], facility: Facility, other_facility: Facility
) -> None:
    FacilityFactory(code="PP02")
    user = make_user(Role.IAC, facility)
    MembershipFactory(user=user, facility=other_facility, role=Role.CHAPLAIN)

    assert _home_codes(login(user).get(STAFF_FACILITIES)) == {facility.code, other_facility.code}


def test_my_facilities_lists_all_facilities_for_the_pic_coordinator(
    login: Callable[[User | None], Client],
    facility: Facility,
    other_facility: Facility,
    pic_coordinator: User,
) -> None:
    FacilityFactory(code="PP02")
    FacilityFactory(code="WMCC", status="closed")

    response = login(pic_coordinator).get(STAFF_FACILITIES)

    assert _home_codes(response) == {"ACC", "BCC", "PP02", "WMCC"}
    assert b"every facility in the state" in response.content


def test_removing_the_last_membership_closes_the_staff_pages(
    login: Callable[[User | None], Client], facility: Facility, iac: User
) -> None:
    client = login(iac)
    assert client.get("/staff/").status_code == 200

    remove_coordinator(by="tests", membership=iac.memberships.get())

    # The browser left open is signed out (every session of theirs ended)...
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    # ...and signing in again reaches no staff page.
    iac.refresh_from_db()
    login(iac)
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/facilities/{facility.code}/").status_code == 403
    assert User.objects.filter(pk=iac.pk).exists()


@pytest.mark.parametrize("role", ["iac", "pic_coordinator"])
def test_inactive_users_reach_no_staff_page(
    login: Callable[[User | None], Client], facility: Facility, role: str
) -> None:
    user = make_user(role, facility)
    assert user is not None
    client = login(user)
    user.is_active = False
    user.save()

    response = client.get(f"/staff/facilities/{facility.code}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")
    assert client.get("/staff/").status_code == 302


# facilities_for, has_capability


@pytest.mark.parametrize("cap", CAPABILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_facilities_for_matches_the_design_table(
    facility: Facility, other_facility: Facility, role: str, cap: str
) -> None:
    user = make_user(role, facility)

    codes = set(facilities_for(user, cap).values_list("code", flat=True))

    if cap not in DESIGN_CAPABILITIES[role]:
        assert codes == set()
    elif role == "pic_coordinator":
        assert codes == {facility.code, other_facility.code}
    else:
        assert codes == {facility.code}


@pytest.mark.parametrize("cap", CAPABILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_has_capability_matches_the_design_table(
    facility: Facility, other_facility: Facility, role: str, cap: str
) -> None:
    user = make_user(role, facility)
    holds = cap in DESIGN_CAPABILITIES[role]

    assert has_capability(user, cap) is holds
    assert has_capability(user, cap, facility) is holds
    assert has_capability(user, cap, other_facility) is (holds and role == "pic_coordinator")


@pytest.mark.parametrize("cap", CAPABILITIES)
def test_anonymous_holds_nothing(facility: Facility, cap: str) -> None:
    assert not facilities_for(AnonymousUser(), cap).exists()
    assert has_capability(AnonymousUser(), cap) is False
    assert has_capability(AnonymousUser(), cap, facility) is False


def test_capabilities_follow_the_role_at_each_facility(
    facility: Facility, other_facility: Facility
) -> None:
    user = make_user(Role.CHAPLAIN, facility)
    assert user is not None
    MembershipFactory(user=user, facility=other_facility, role=Role.IAC)

    assert set(facilities_for(user, Capability.VIEW).values_list("code", flat=True)) == {
        facility.code,
        other_facility.code,
    }
    assert list(facilities_for(user, Capability.DECIDE).values_list("code", flat=True)) == [
        other_facility.code
    ]
    assert has_capability(user, Capability.DECIDE, facility) is False
    assert has_capability(user, Capability.DECIDE, other_facility) is True


@pytest.mark.parametrize("cap", CAPABILITIES)
@pytest.mark.parametrize("role", ["iac", "chaplain", "pic_coordinator"])
def test_inactive_users_get_nothing(facility: Facility, role: str, cap: str) -> None:
    user = make_user(role, facility)
    assert user is not None
    user.is_active = False
    user.save()
    user = User.objects.get(pk=user.pk)

    assert not facilities_for(user, cap).exists()
    assert has_capability(user, cap) is False
    assert has_capability(user, cap, facility) is False
    assert has_staff_role(user) is False
    assert is_pic_coordinator(user) is False


def test_an_account_that_loses_its_password_loses_its_role(facility: Facility) -> None:
    user = make_user(Role.IAC, facility)
    assert user is not None
    user.set_unusable_password()
    user.save()

    assert not facilities_for(user, Capability.VIEW).exists()
    assert has_capability(user, Capability.VIEW, facility) is False
    assert has_staff_role(user) is False


def test_visible_to_scopes_facilities(facility: Facility, other_facility: Facility) -> None:
    user = make_user(Role.IAC, facility)
    assert user is not None

    assert list(Facility.objects.visible_to(user, Capability.VIEW)) == [facility]
    assert not Facility.objects.visible_to(user, Capability.PROGRAM).exists()


# The guard decorators on views that need more than "view"


def _ok(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return HttpResponse(kwargs["facility"].code if "facility" in kwargs else "ok")


def _request(user: User | None) -> HttpRequest:
    request = RequestFactory().get("/staff/somewhere/")
    request.user = user if user is not None else AnonymousUser()
    return request


@pytest.mark.parametrize(
    ("role", "where", "outcome"),
    [
        ("iac", "own", 200),
        ("site_coordinator", "own", 200),
        ("chaplain", "own", 403),
        ("iac", "other", 404),
        ("chaplain", "other", 404),
        ("pic_coordinator", "other", 200),
        ("applicant", "own", 403),
        ("staff_without_role", "own", 403),
        ("anonymous", "own", 302),
    ],
)
def test_facility_required_decide(
    facility: Facility, other_facility: Facility, role: str, where: str, outcome: int
) -> None:
    view = facility_required(Capability.DECIDE)(_ok)
    target = facility if where == "own" else other_facility
    request = _request(make_user(role, facility))

    if outcome == 403:
        with pytest.raises(PermissionDenied):
            view(request, code=target.code)
    elif outcome == 404:
        with pytest.raises(Http404):
            view(request, code=target.code)
    else:
        response = view(request, code=target.code)
        assert response.status_code == outcome
        if outcome == 200:
            assert response.content.decode() == target.code
    assert view.pic_guard == Capability.DECIDE  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        ("pic_coordinator", 200),
        ("iac", 403),
        ("chaplain", 403),
        ("site_coordinator", 403),
        ("applicant", 403),
        ("anonymous", 302),
    ],
)
def test_staff_required_program(facility: Facility, role: str, outcome: int) -> None:
    view = staff_required(Capability.PROGRAM)(_ok)
    request = _request(make_user(role, facility))

    if outcome == 403:
        with pytest.raises(PermissionDenied):
            view(request)
    else:
        assert view(request).status_code == outcome
    assert view.pic_guard == Capability.PROGRAM  # type: ignore[attr-defined]


def test_staff_required_decide_refuses_a_chaplain_everywhere(facility: Facility) -> None:
    view = staff_required(Capability.DECIDE)(_ok)

    with pytest.raises(PermissionDenied):
        view(_request(make_user(Role.CHAPLAIN, facility)))


# Query counts on the staff lists


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_facilities_query_count_does_not_grow_with_facilities(
    login: Callable[[User | None], Client],
    pic_coordinator: User,
    django_assert_num_queries: Any,
) -> None:
    client = login(pic_coordinator)
    FacilityFactory.create_batch(3)
    few = _queries(client, STAFF_FACILITIES)

    FacilityFactory.create_batch(27)
    with django_assert_num_queries(few):
        response = client.get(STAFF_FACILITIES)
    assert len(_home_codes(response)) == 30


def test_staff_facility_query_count_does_not_grow_with_coordinators(
    login: Callable[[User | None], Client],
    facility: Facility,
    iac: User,
    django_assert_num_queries: Any,
) -> None:
    client = login(iac)
    url = f"/staff/facilities/{facility.code}/"
    few = _queries(client, url)

    for _ in range(5):
        MembershipFactory(facility=facility, role=Role.CHAPLAIN)
    with django_assert_num_queries(few):
        client.get(url)
