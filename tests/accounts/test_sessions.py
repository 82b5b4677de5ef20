"""Ending all of a user's sessions: on a password change (every path) and when their last
membership goes, with the database session backend and with Redis (accounts/sessions.py)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.sessions import end_all_sessions
from audit.models import AuditEvent
from facilities.models import Facility, Membership, Role
from facilities.services import assign_coordinator, remove_coordinator
from tests.conftest import member
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-42"


@pytest.fixture(params=["database", "redis"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each test runs with the default database sessions and with Redis (cached_db)."""
    if request.param == "redis":
        request.getfixturevalue("redis_settings")
    return str(request.param)


def signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client: Client) -> bool:
    """Whether the next request still carries the user (a failed check flushes the session)."""
    client.get(reverse("staff:home"))
    return client.session.get(SESSION_KEY) is not None


def test_end_all_sessions_signs_out_every_browser(backend: str, facility: Facility) -> None:
    user = member(facility)
    desk, laptop = signed_in_client(user), signed_in_client(user)
    assert is_signed_in(desk)
    assert is_signed_in(laptop)

    end_all_sessions(user=user, by="tests", reason="tests")

    assert not is_signed_in(desk)
    assert not is_signed_in(laptop)
    assert AuditEvent.objects.filter(action="accounts.sessions_ended").count() == 1
    # Signing in again works, and that new session holds.
    assert is_signed_in(signed_in_client(user))


def test_removing_the_last_membership_signs_the_user_out(
    backend: str, facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    user = member(facility)
    assign_coordinator(by="tests", user=user, facility=other_facility, role=Role.CHAPLAIN)
    browser = signed_in_client(user)

    remove_coordinator(
        by=pic_coordinator, membership=Membership.objects.get(user=user, facility=facility)
    )
    assert is_signed_in(browser)  # still a chaplain at the other facility

    remove_coordinator(by=pic_coordinator, membership=Membership.objects.get(user=user))
    assert not is_signed_in(browser)
    event = AuditEvent.objects.get(action="accounts.sessions_ended")
    assert event.details == {"reason": "last_membership_removed"}


def test_removing_a_membership_through_the_page_ends_the_sessions(
    backend: str, facility: Facility, pic_coordinator: User
) -> None:
    user = member(facility)
    browser = signed_in_client(user)
    membership = Membership.objects.get(user=user)
    coordinator = signed_in_client(pic_coordinator)

    response = coordinator.post(
        reverse("staff:remove_coordinator", args=[facility.code, membership.pk])
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not is_signed_in(browser)
    assert is_signed_in(coordinator)


def test_a_password_reset_signs_out_the_other_sessions(backend: str, facility: Facility) -> None:
    user = member(facility)
    left_open = signed_in_client(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    stranger = Client()
    form_url = stranger.get(reverse("staff:password_set", args=[uid, token]))["Location"]
    response = stranger.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:password_set_done")
    assert not is_signed_in(left_open)


def test_an_admin_password_change_signs_out_that_users_sessions(
    backend: str, facility: Facility
) -> None:
    user = member(facility)
    left_open = signed_in_client(user)
    admin = signed_in_client(StaffUserFactory.create(is_staff=True, is_superuser=True))

    response = admin.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not is_signed_in(left_open)
    assert is_signed_in(admin)


def test_a_password_set_from_the_command_line_signs_out_the_sessions(
    backend: str, facility: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = member(facility)
    left_open = signed_in_client(user)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD)

    call_command("changepassword", user.email, stdout=None)

    assert not is_signed_in(left_open)


def test_at_version_zero_the_hash_is_djangos_own(facility: Facility) -> None:
    """Sessions opened before the version existed survived the migration that added it."""
    user = member(facility)

    assert user.session_version == 0
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)
    end_all_sessions(user=user, by="tests", reason="tests")
    assert user.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(user)
