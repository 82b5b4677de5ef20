"""Two-step sign-in for staff: enrolment at the first sign-in, verification at every one,
backup codes, the PIC Coordinator's reset, and the enforcement on every staff and admin URL."""

import re
import time
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.models import AuditEvent
from tests.conftest import sign_in_without_mfa, verified_device
from tests.factories import STAFF_PASSWORD, StaffUserFactory
from tests.screening.test_permissions import PUBLIC_STAFF_NAMES, SIGN_IN_STEPS, staff_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time() + steps_ahead * device.step
    return f"{clock.token():0{device.digits}d}"


def password_step(client: Client, user: User, next_url: str = "") -> Any:
    data = {"username": user.email, "password": STAFF_PASSWORD}
    return client.post(f"/staff/login/{next_url}", data)


def test_mfa_is_on_in_tests_as_in_production(settings: LazySettings) -> None:
    assert settings.DEBUG is False
    assert settings.PIC_REQUIRE_MFA is True


# Enrolment at the first sign-in


def test_the_first_sign_in_enrols_an_authenticator_and_shows_backup_codes_once(
    client: Client, iac: User
) -> None:
    response = password_step(client, iac, "?next=/staff/facilities/")
    assert response["Location"] == "/staff/mfa/?next=%2Fstaff%2Ffacilities%2F"

    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/mfa/setup/")
    setup = client.get(response["Location"])
    page = setup.content.decode()
    assert "<svg" in page
    assert "Set up two-step verification" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # strict CSP
    device = TOTPDevice.objects.get(user=iac, confirmed=False)
    session_before = client.session.session_key

    done = client.post(
        "/staff/mfa/setup/", {"token": code_for(device), "next": "/staff/facilities/"}
    )

    assert done.status_code == 302
    assert client.session.session_key != session_before  # rotated at the second step
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    again = client.get(done["Location"]).content.decode()
    assert not re.findall(r"<li><code>([a-z2-7]{8})</code></li>", again)
    assert "10 unused backup codes" in again
    assert client.get("/staff/facilities/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled", actor_id=str(iac.pk)).exists()


def test_a_wrong_code_at_enrolment_keeps_the_same_qr_and_enrols_nothing(
    client: Client, iac: User
) -> None:
    password_step(client, iac)
    first = client.get("/staff/mfa/setup/").content.decode()

    response = client.post("/staff/mfa/setup/", {"token": "000000"})

    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=iac, confirmed=True).exists()
    assert TOTPDevice.objects.filter(user=iac).count() == 1
    secret = re.search(r'class="mfa-secret">([A-Z2-7 ]+)<', first)
    assert secret
    assert secret.group(1) in response.content.decode()


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(
    client: Client, iac: User
) -> None:
    verified_device(iac)
    password_step(client, iac)

    response = client.get("/staff/mfa/setup/")

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/mfa/?")
    assert client.post("/staff/mfa/setup/", {"token": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=iac).count() == 1


# Verification at every sign-in


def test_verification_with_the_app_rotates_the_session_and_follows_next(
    client: Client, iac: User
) -> None:
    device = verified_device(iac)
    password_step(client, iac, "?next=/staff/facilities/")
    before = client.session.session_key
    assert client.get("/staff/facilities/")["Location"].startswith("/staff/mfa/")

    response = client.post("/staff/mfa/", {"token": code_for(device), "next": "/staff/facilities/"})

    assert response.status_code == 302
    assert response["Location"] == "/staff/facilities/"
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(iac.pk)
    assert client.get("/staff/facilities/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_verified", actor_id=str(iac.pk)).exists()


def test_a_code_works_once(client: Client, iac: User) -> None:
    device = verified_device(iac)
    code = code_for(device)
    password_step(client, iac)
    assert client.post("/staff/mfa/", {"token": code})["Location"] == "/staff/"

    other = Client()
    password_step(other, iac)
    response = other.post("/staff/mfa/", {"token": code})

    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()


def test_a_wrong_code_is_refused_audited_and_the_next_is_not_followed_off_site(
    client: Client, iac: User
) -> None:
    verified_device(iac)
    password_step(client, iac)

    response = client.post("/staff/mfa/", {"token": "12 34 56", "next": "https://evil.example/"})

    assert response.status_code == 200
    assert 'value="/staff/"' in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.mfa_failed", actor_id=str(iac.pk)).exists()
    assert client.get("/staff/").status_code == 302


HOSTILE = ["", "x" * 40, "<script>", "\uff11\uff12\uff13\uff14\uff15\uff16", "\u0000"]


@pytest.mark.parametrize("token", HOSTILE)
def test_hostile_codes_come_back_with_an_error(client: Client, iac: User, token: str) -> None:
    verified_device(iac)
    password_step(client, iac)

    response = client.post("/staff/mfa/", {"token": token})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_backup_code_signs_in_once(client: Client, iac: User) -> None:
    verified_device(iac)
    sign_in_without_mfa(client, iac)
    client.session  # noqa: B018
    from accounts import mfa

    codes = mfa.new_backup_codes(user=iac)

    response = client.post("/staff/mfa/", {"token": codes[0].upper()})
    assert response.status_code == 302
    assert StaticDevice.objects.get(user=iac).token_set.count() == 9

    again = Client()
    sign_in_without_mfa(again, iac)
    assert again.post("/staff/mfa/", {"token": codes[0]}).status_code == 200


def test_new_backup_codes_replace_the_old(client: Client, iac: User) -> None:
    from accounts import mfa

    old = mfa.new_backup_codes(user=iac)
    client.force_login(iac)

    response = client.post("/staff/mfa/codes/", {"next": "/staff/"})
    page = client.get(response["Location"]).content.decode()

    fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(fresh) == 10
    assert not set(fresh) & set(old)


def test_an_applicant_has_no_second_step(client: Client) -> None:
    from tests.factories import UserFactory

    client.force_login(UserFactory.create())

    assert client.get("/staff/mfa/").status_code == 403
    assert client.get("/account/").status_code in (200, 302)


# Enforcement on every staff URL and the admin


SAMPLES = {"int": "1", "uuid": "00000000-0000-4000-8000-000000000000"}


def _path(route: str) -> str:
    """The route with a value its converter accepts in every <kind:name>."""
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "", "x"), route)


ENFORCED = [
    (route, name)
    for route, name, _pattern in staff_routes()
    if name not in PUBLIC_STAFF_NAMES | SIGN_IN_STEPS
]


@pytest.mark.parametrize(("route", "name"), ENFORCED, ids=[name for _r, name in ENFORCED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_staff_url_sends_an_unverified_session_to_the_second_step(
    client: Client, pic_coordinator: User, route: str, name: str, method: str
) -> None:
    sign_in_without_mfa(client, pic_coordinator)
    path = "/" + _path(route)

    response = getattr(client, method)(path)

    assert response.status_code == 302, name
    assert response["Location"].startswith("/staff/mfa/?next="), name


def test_enough_staff_urls_are_enforced() -> None:
    assert len(ENFORCED) >= 60


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/audit/auditevent/"])
def test_the_admin_sends_an_unverified_session_to_the_second_step(
    client: Client, path: str
) -> None:
    admin = StaffUserFactory.create(is_staff=True, is_superuser=True)
    sign_in_without_mfa(client, admin)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/mfa/?next=")
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_a_reset_device_no_longer_verifies_a_session(client: Client, iac: User) -> None:
    client.force_login(iac)
    assert client.get("/staff/facilities/").status_code == 200
    from accounts import mfa

    mfa.reset_devices(user=iac, by="tests")

    response = client.get("/staff/facilities/")
    assert response["Location"].startswith("/staff/mfa/")
    assert client.get(response["Location"])["Location"].startswith("/staff/mfa/setup/")


def test_without_the_setting_staff_pages_need_no_second_step_and_say_so(
    client: Client, iac: User, settings: LazySettings
) -> None:
    settings.PIC_REQUIRE_MFA = False
    sign_in_without_mfa(client, iac)

    response = client.get("/staff/facilities/")

    assert response.status_code == 200
    assert "MFA is off in this demo" in response.content.decode()
    assert password_step(Client(), iac)["Location"] == "/staff/"


def test_with_the_setting_no_banner(client: Client, iac: User) -> None:
    client.force_login(iac)

    assert "MFA is off" not in client.get("/staff/facilities/").content.decode()


# The PIC Coordinator resets another account's two-step


def test_the_pic_coordinator_resets_another_accounts_two_step_audited(
    client: Client, iac: User, pic_coordinator: User
) -> None:
    from accounts import mfa

    verified_device(iac)
    mfa.new_backup_codes(user=iac)
    client.force_login(pic_coordinator)
    listing = client.get("/staff/security/two-step/")
    assert iac.email in listing.content.decode()

    response = client.post(f"/staff/security/two-step/{iac.pk}/reset/")

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=iac).exists()
    assert not StaticDevice.objects.filter(user=iac).exists()
    event = AuditEvent.objects.get(action="auth.mfa_reset")
    assert event.actor_id == str(pic_coordinator.pk)
    assert event.target_id == str(iac.pk)
    assert event.details == {"removed": 2}


def test_the_pic_coordinator_cannot_reset_their_own(client: Client, pic_coordinator: User) -> None:
    client.force_login(pic_coordinator)

    client.post(f"/staff/security/two-step/{pic_coordinator.pk}/reset/")

    assert TOTPDevice.objects.filter(user=pic_coordinator).exists()


def test_an_applicant_account_has_no_two_step_to_reset(
    client: Client, pic_coordinator: User
) -> None:
    from tests.factories import UserFactory

    applicant = UserFactory.create()
    client.force_login(pic_coordinator)

    assert client.post(f"/staff/security/two-step/{applicant.pk}/reset/").status_code == 404


def test_the_deploy_check_warns_when_mfa_or_rate_limits_are_off(settings: LazySettings) -> None:
    from accounts.checks import mfa_on_in_production, rate_limits_on_in_production

    assert mfa_on_in_production(None) == []
    assert rate_limits_on_in_production(None) == []
    settings.PIC_REQUIRE_MFA = False
    settings.PIC_RATE_LIMITS = False
    assert [m.id for m in mfa_on_in_production(None)] == ["pic.W001"]
    assert [m.id for m in rate_limits_on_in_production(None)] == ["pic.W002"]
