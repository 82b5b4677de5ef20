"""Every /staff/ route wears a guard from facilities/access.py; one test walks the URLconf."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, converters, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern

from accounts import views as account_views
from facilities.access import Capability
from tests.factories import FacilityFactory, UserFactory

# For people who are not signed in (yet, or any more): sign-in, sign-out and setting a
# password from an e-mailed link. Named one by one, so a new public route is a decision.
PUBLIC_STAFF_ROUTES = {
    "staff:login",
    "staff:logout",
    "staff:password_reset",
    "staff:password_reset_sent",
    "staff:password_set",
    "staff:password_set_done",
}
# The second sign-in step, for a signed-in staff account not verified yet: no capability to
# guard, but never anonymous and never an applicant (tested below and in test_mfa.py).
SIGN_IN_STEPS = {"staff:mfa", "staff:mfa_setup", "staff:mfa_codes"}


def walk(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """Yield (full route, namespaced name, pattern) for every pattern under `resolver`."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").removesuffix("$").removesuffix(r"\Z")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, route, inner)
        else:
            yield route, f"{namespace}{entry.name}", entry


def unguarded(resolver: URLResolver) -> list[str]:
    return [
        route
        for route, name, pattern in walk(resolver)
        if route.startswith("staff/")
        and name not in PUBLIC_STAFF_ROUTES | SIGN_IN_STEPS
        and not hasattr(pattern.callback, "pic_guard")
    ]


def staff_routes() -> list[tuple[str, str, URLPattern]]:
    return [entry for entry in walk(get_resolver("pic.urls")) if entry[0].startswith("staff/")]


def guarded_routes() -> list[tuple[str, str, URLPattern]]:
    exempt = PUBLIC_STAFF_ROUTES | SIGN_IN_STEPS
    return [entry for entry in staff_routes() if entry[1] not in exempt]


def test_every_staff_route_is_guarded() -> None:
    assert unguarded(get_resolver("pic.urls")) == []


def test_the_walker_sees_the_staff_routes() -> None:
    routes = {route for route, _name, _pattern in staff_routes()}

    assert {"staff/", "staff/login/", "staff/logout/", "staff/facilities/<str:code>/"} <= routes
    assert len(guarded_routes()) >= 2
    # The volunteers app's staff pages keep their /staff/ paths in their own namespace.
    names = {name for _route, name, _pattern in guarded_routes()}
    assert {"volunteers:roster", "volunteers:access", "volunteers:statewide_sessions"} <= names
    assert "staff/facilities/<str:code>/access/<int:grant_id>/" in routes
    assert {"reports:overview", "reports:page", "reports:csv", "reports:audit"} <= names


def test_the_public_staff_routes_exist_and_are_really_public() -> None:
    public = {
        name: pattern for _route, name, pattern in staff_routes() if name in PUBLIC_STAFF_ROUTES
    }

    assert set(public) == PUBLIC_STAFF_ROUTES  # no stale name that hides nothing
    assert public["staff:login"].callback is account_views.staff_login
    assert public["staff:logout"].callback is account_views.staff_logout
    for name, pattern in public.items():
        assert getattr(pattern.callback, "login_required", True) is False, name
        assert not hasattr(pattern.callback, "pic_guard"), name


def test_every_guard_names_a_capability() -> None:
    for _route, _name, pattern in guarded_routes():
        assert pattern.callback.pic_guard in set(Capability)  # type: ignore[attr-defined]


def _view(request: Any) -> Any:
    raise AssertionError("never called")


def _guarded(request: Any) -> Any:
    raise AssertionError("never called")


_guarded.pic_guard = Capability.VIEW  # type: ignore[attr-defined]


def test_the_walker_catches_an_unguarded_staff_route() -> None:
    inner: list[Any] = [
        path("ok/", _guarded, name="ok"),
        path("forgotten/", _view, name="forgotten"),
        path("login/", _view, name="login"),
    ]
    fake = URLResolver(
        RegexPattern(r"^/"),
        [
            path("staff/", (inner, "staff", "staff")),
            path("public/", _view),
        ],
    )

    assert unguarded(fake) == ["staff/forgotten/"]


# Behaviour, not only the attribute: each guarded route turns strangers away.


SAMPLE_VALUES: dict[type, Any] = {
    converters.IntConverter: 999999,
    converters.UUIDConverter: uuid.UUID(int=1),
    converters.StringConverter: "ACC",
    converters.SlugConverter: "acc",
    converters.PathConverter: "acc",
}


def _url(name: str, pattern: URLPattern) -> str:
    kwargs = {
        key: SAMPLE_VALUES[type(converter)] for key, converter in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


def _request(client: Client, url: str) -> Any:
    """GET the route, or POST it when it only takes POST."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "pattern"),
    [(name, pattern) for _route, name, pattern in guarded_routes()],
    ids=[route for route, _name, _pattern in guarded_routes()],
)
@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_guarded_routes_turn_strangers_away(
    client: Client, name: str, pattern: URLPattern, who: str
) -> None:
    FacilityFactory.create(code="ACC")
    url = _url(name, pattern)
    if who == "applicant":
        client.force_login(UserFactory.create())

    response = _request(client, url)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/staff/login/?next={url}"
    else:
        assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGN_IN_STEPS))
@pytest.mark.parametrize("who", ["anonymous", "applicant"])
def test_the_sign_in_steps_turn_strangers_away(client: Client, name: str, who: str) -> None:
    url = reverse(name)
    if who == "applicant":
        client.force_login(UserFactory.create())

    response = client.get(url)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/staff/login/?next=")
    else:
        assert response.status_code == 403
