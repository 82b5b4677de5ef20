"""Sign-in lockout: django-axes per account and address together, the slower per-account
and per-address limits beside it, the retry page and the PIC Coordinator's unlock page."""

from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import LazySettings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from accounts import lockout
from accounts.models import User
from audit.models import AuditEvent
from tests.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

LOGIN = "/staff/login/"
HOME_IP, ELSEWHERE = "198.51.100.7", "203.0.113.9"


@pytest.fixture
def staff() -> User:
    return StaffUserFactory.create(email="iac.acc@doc.example.org")


WRONG = "not-it-123456"


def attempt(client: Client, email: str, password: str = WRONG, ip: str = HOME_IP) -> Any:
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, email: str, times: int, ip: str = HOME_IP) -> None:
    for _ in range(times):
        attempt(client, email, ip=ip)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_the_limit_is_five_per_account_and_address(settings: LazySettings) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.backends.LockoutBackend"


def test_four_failures_still_let_the_right_password_in(client: Client, staff: User) -> None:
    fail(client, staff.email, 4)

    response = attempt(client, staff.email, STAFF_PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_after_five_failures_even_the_right_password_is_refused_with_the_time(
    client: Client, staff: User
) -> None:
    fail(client, staff.email, 5)

    response = attempt(client, staff.email, STAFF_PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in locked for now" in page
    assert "Try again in 15 minutes" in page
    assert 14 * 60 <= int(response["Retry-After"]) <= 15 * 60
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


def test_the_fifth_failure_itself_answers_with_the_lock_page(client: Client, staff: User) -> None:
    fail(client, staff.email, 4)

    assert attempt(client, staff.email).status_code == 429


def test_the_lock_counts_the_address_in_any_case(client: Client, staff: User) -> None:
    fail(client, staff.email.upper(), 3)
    fail(client, f"  {staff.email} ", 2)

    assert attempt(client, staff.email, STAFF_PASSWORD).status_code == 429


def test_a_stranger_elsewhere_cannot_lock_the_coordinator_out(client: Client, staff: User) -> None:
    fail(client, staff.email, 12, ip=ELSEWHERE)

    response = attempt(client, staff.email, STAFF_PASSWORD, ip=HOME_IP)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_lifts_after_the_cool_off(client: Client, staff: User) -> None:
    fail(client, staff.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    assert attempt(client, staff.email, STAFF_PASSWORD).status_code == 302


def test_a_success_clears_the_count(client: Client, staff: User) -> None:
    fail(client, staff.email, 4)
    assert attempt(client, staff.email, STAFF_PASSWORD).status_code == 302
    client.logout()

    fail(client, staff.email, 4)
    assert attempt(client, staff.email, STAFF_PASSWORD).status_code == 302


def test_the_account_limit_holds_across_addresses(
    client: Client, staff: User, settings: LazySettings
) -> None:
    settings.PIC_ACCOUNT_FAILURE_LIMIT = 8
    for n in range(8):
        fail(client, staff.email, 1, ip=f"192.0.2.{n + 1}")

    response = attempt(client, staff.email, STAFF_PASSWORD, ip=ELSEWHERE)

    assert response.status_code == 200
    assert not signed_in(client)
    assert "This account is locked after too many failed sign-ins" in response.content.decode()
    assert "Try again after" in response.content.decode()


def test_the_account_limit_defaults_to_twenty_a_day(settings: LazySettings) -> None:
    assert settings.PIC_ACCOUNT_FAILURE_LIMIT == 20
    assert settings.PIC_ACCOUNT_FAILURE_WINDOW_HOURS == 24


def test_the_account_limit_counts_from_the_last_sign_in(
    client: Client, staff: User, settings: LazySettings
) -> None:
    settings.PIC_ACCOUNT_FAILURE_LIMIT = 3
    fail(client, staff.email, 2, ip="192.0.2.1")
    User.objects.filter(pk=staff.pk).update(last_login=timezone.now())
    fail(client, staff.email, 2, ip="192.0.2.2")

    assert attempt(client, staff.email, STAFF_PASSWORD, ip=ELSEWHERE).status_code == 302


def test_the_address_limit_covers_every_account(client: Client, settings: LazySettings) -> None:
    settings.PIC_ADDRESS_FAILURE_LIMIT = 6
    staff = StaffUserFactory.create()
    for n in range(6):
        fail(client, f"guess{n}@doc.example.org", 1, ip=HOME_IP)

    limited = attempt(client, staff.email, STAFF_PASSWORD, ip=HOME_IP)
    assert "Too many failed sign-ins came from this network" in limited.content.decode()
    assert attempt(client, staff.email, STAFF_PASSWORD, ip=ELSEWHERE).status_code == 302


def test_every_failure_reaches_the_audit_log_also_once_locked(client: Client, staff: User) -> None:
    fail(client, staff.email, 12)

    failed = AuditEvent.objects.filter(action="auth.sign_in_failed", target_label=staff.email)
    assert failed.count() == 12
    assert set(failed.values_list("ip_address", flat=True)) == {HOME_IP}


def test_the_right_password_refused_by_the_lock_is_a_failed_sign_in(
    client: Client, staff: User
) -> None:
    fail(client, staff.email, 5)
    attempt(client, staff.email, STAFF_PASSWORD)

    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 6
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


def test_the_admin_sign_in_is_locked_too(client: Client, staff: User) -> None:
    staff.is_staff = True
    staff.save()
    for _ in range(5):
        client.post("/admin/login/", {"username": staff.email, "password": "nope-123456"})

    response = client.post("/admin/login/", {"username": staff.email, "password": STAFF_PASSWORD})
    assert response.status_code == 429


def test_rate_limits_off_lift_the_lock(client: Client, staff: User, settings: LazySettings) -> None:
    settings.PIC_RATE_LIMITS = False
    settings.AXES_ENABLED = False
    fail(client, staff.email, 30)

    assert attempt(client, staff.email, STAFF_PASSWORD).status_code == 302


# The PIC Coordinator's unlock page


def test_the_unlock_page_lists_locks_and_unlocks_them_audited(
    client: Client, staff: User, pic_coordinator: User, settings: LazySettings
) -> None:
    settings.PIC_ACCOUNT_FAILURE_LIMIT = 7
    settings.PIC_ADDRESS_FAILURE_LIMIT = 9
    fail(Client(), staff.email, 5)  # the pair (account, HOME_IP)
    for n in range(2):
        fail(Client(), staff.email, 1, ip=f"192.0.2.{n + 1}")  # 7 failures: the account
    for n in range(9):
        fail(Client(), f"spray{n}@doc.example.org", 1, ip="192.0.2.99")  # the address
    client.force_login(pic_coordinator)

    page = client.get("/staff/security/locks/")

    assert page.status_code == 200
    held = {(lock.email, lock.ip) for lock in page.context["locks"]}
    assert held == {(staff.email, HOME_IP), (staff.email, ""), ("", "192.0.2.99")}
    for email, ip in held:
        response = client.post("/staff/security/locks/unlock/", {"email": email, "ip": ip})
        assert response.status_code == 302
    assert lockout.locks() == []
    assert (
        AuditEvent.objects.filter(action="auth.unlocked", actor_id=str(pic_coordinator.pk)).count()
        == 3
    )
    assert attempt(Client(), staff.email, STAFF_PASSWORD).status_code == 302


def test_unlock_without_a_lock_named_changes_nothing(client: Client, pic_coordinator: User) -> None:
    client.force_login(pic_coordinator)

    response = client.post("/staff/security/locks/unlock/", {"email": "", "ip": "not-an-ip"})

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="auth.unlocked").exists()
