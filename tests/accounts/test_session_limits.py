"""Staff session limits: idle (30 minutes), absolute (12 hours), the warning before the idle
end, and a new session key at sign-in."""

import time
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import SESSION_KEY
from django.test import Client

from accounts import middleware
from accounts.models import User
from tests.factories import STAFF_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

PAGE = "/staff/facilities/"


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def forward(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr(middleware, "now", moved)
    return moved


def test_the_limits_are_thirty_minutes_and_twelve_hours(settings: LazySettings) -> None:
    assert settings.PIC_STAFF_IDLE_MINUTES == 30
    assert settings.PIC_STAFF_SESSION_HOURS == 12


def test_a_staff_session_ends_after_thirty_idle_minutes(
    client: Client, iac: User, clock: Clock
) -> None:
    client.force_login(iac)
    assert client.get(PAGE).status_code == 200
    clock.forward(minutes=29)
    assert client.get(PAGE).status_code == 200  # activity restarts the idle clock
    clock.forward(minutes=29)
    assert client.get(PAGE).status_code == 200

    clock.forward(minutes=31)
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")
    assert SESSION_KEY not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_a_staff_session_ends_twelve_hours_after_sign_in_however_busy(
    client: Client, iac: User, clock: Clock
) -> None:
    client.force_login(iac)
    client.get(PAGE)
    for _ in range(12 * 3 + 1):
        clock.forward(minutes=20)
        if client.get(PAGE).status_code != 200:
            break

    assert clock.now - time.time() >= 12 * 3600 - 60
    assert SESSION_KEY not in client.session
    assert "12 hours after signing in" in client.get("/staff/login/").content.decode()


def test_the_limits_are_settings(
    client: Client, iac: User, clock: Clock, settings: LazySettings
) -> None:
    settings.PIC_STAFF_IDLE_MINUTES = 5
    client.force_login(iac)
    client.get(PAGE)
    clock.forward(minutes=6)

    assert client.get(PAGE).status_code == 302


def test_an_applicant_session_has_no_staff_idle_limit(client: Client, clock: Clock) -> None:
    client.force_login(UserFactory.create())
    client.get("/account/")
    clock.forward(hours=2)

    assert SESSION_KEY in client.session
    client.get("/account/")
    assert SESSION_KEY in client.session


def test_stay_signed_in_restarts_the_idle_clock(client: Client, iac: User, clock: Clock) -> None:
    client.force_login(iac)
    client.get(PAGE)
    clock.forward(minutes=28)

    ping = client.post("/staff/session/stay/", {"next": PAGE}, HTTP_X_REQUESTED_WITH="fetch")
    assert ping.status_code == 204
    clock.forward(minutes=28)

    assert client.get(PAGE).status_code == 200


def test_stay_signed_in_without_script_goes_back_to_the_page(client: Client, iac: User) -> None:
    client.force_login(iac)

    assert client.post("/staff/session/stay/", {"next": PAGE})["Location"] == PAGE
    evil = client.post("/staff/session/stay/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/staff/"


def test_staff_pages_carry_the_warning_and_its_script(client: Client, iac: User) -> None:
    client.force_login(iac)

    page = client.get(PAGE).content.decode()

    assert 'id="idle-warning"' in page
    assert 'data-idle-seconds="1800"' in page
    assert 'data-warning-seconds="120"' in page
    assert "/static/js/idle-warning.js" in page
    assert "Stay signed in" in page
    assert "<script>" not in page  # no inline script: the strict CSP


def test_visitors_get_no_warning(client: Client) -> None:
    assert 'id="idle-warning"' not in client.get("/").content.decode()


def test_sign_in_gives_a_new_session_key(client: Client, iac: User) -> None:
    client.get("/staff/login/")
    client.session.save()
    before = client.session.session_key

    client.post("/staff/login/", {"username": iac.email, "password": STAFF_PASSWORD})

    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(iac.pk)


def test_a_new_sign_in_restarts_the_absolute_clock(client: Client, iac: User, clock: Any) -> None:
    client.force_login(iac)
    client.get(PAGE)
    for _ in range(11 * 3):
        clock.forward(minutes=20)
        client.get(PAGE)
    response = client.post("/staff/login/", {"username": iac.email, "password": STAFF_PASSWORD})
    session = client.session

    assert response["Location"].startswith("/staff/mfa/")
    assert session[middleware.SIGNED_IN_AT] == clock.now
