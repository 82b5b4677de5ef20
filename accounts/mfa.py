"""Two-step sign-in for staff (django-otp): an authenticator app (TOTP) and backup codes.

Every staff account (a usable password) must pass it on every staff and admin page when
`PIC_REQUIRE_MFA` is on. Enrolment happens at the first sign-in and only while the account
has no confirmed authenticator: a password alone never replaces a device that exists.
"""

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import record

BACKUP_CODE_COUNT = 10
AUTHENTICATOR = "Authenticator app"
BACKUP_CODES = "Backup codes"


def is_required() -> bool:
    return bool(settings.PIC_REQUIRE_MFA)


def applies_to(user: Any) -> bool:
    """Staff accounts pass the second step; applicants sign in by e-mailed link only."""
    return bool(user.is_authenticated and user.has_usable_password())


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def is_pending(request: HttpRequest) -> bool:
    """A staff session that has the password step but not yet the second one."""
    return is_required() and applies_to(request.user) and not is_verified(request)


def has_authenticator(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being set up (one per account, kept across reloads so
    the QR code a person scanned stays the one confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as inline SVG markup, drawn here (no image host)."""
    qr = segno.make(device.config_url, error="m")
    title = gettext("QR code to scan with an authenticator app")
    return str(qr.svg_inline(scale=5, dark="#000", light="#fff", title=title))


def _verified(request: HttpRequest, device: Any, *, action: str) -> None:
    otp_login(request, device)
    # A new session key once the second step is passed: one fixed before it is worth nothing.
    request.session.cycle_key()
    record(by=request.user, action=action, target=request.user, details={"device": device.name})


def _new_backup_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def confirm_authenticator(*, request: HttpRequest, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; return fresh backup codes, or
    None when the code is wrong. Verifies the session and audits the enrolment."""
    user = request.user
    if has_authenticator(user):
        return None
    device = pending_authenticator(user)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    _verified(request, device, action="auth.mfa_enrolled")
    return codes


def verify(*, request: HttpRequest, token: str) -> bool:
    """Pass the second step with an authenticator code or an unused backup code (each works
    once); audited either way. django-otp slows repeated wrong codes per device."""
    user = request.user
    # Six digits are the app's; anything else a backup code. Trying a backup code against
    # the app would count a failure there and slow the next real code.
    model: Any = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(token):
                _verified(request, device, action="auth.mfa_verified")
                return True
    record(by=user, action="auth.mfa_failed", target=user)
    return False


@transaction.atomic
def new_backup_codes(*, user: Any) -> list[str]:
    """Replace the account's backup codes (the old ones stop working); audited."""
    codes = _new_backup_codes(user)
    record(by=user, action="auth.mfa_backup_codes", target=user)
    return codes


def backup_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_devices(*, user: Any, by: Any) -> int:
    """Remove every second-step device of `user` (a lost phone): they enrol again at their
    next sign-in, and a session they passed the second step in no longer counts. Audited."""
    totp, static = TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)
    removed = totp.count() + static.count()
    totp.delete()
    static.delete()
    record(by=by, action="auth.mfa_reset", target=user, details={"removed": removed})
    return removed


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def sign_in_past_both_steps(client: Any, user: Any) -> None:
    """For the bench commands (never a request path): a test client signed in as the second
    step leaves a staff session — a confirmed authenticator in it, its clocks started."""
    import time

    from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT

    client.force_login(user)
    if not user.has_usable_password():
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()
    session.save()
