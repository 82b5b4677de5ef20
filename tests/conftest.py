"""Test-only settings and the fixtures every test module shares."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from accounts.models import User
from facilities.models import Facility, Membership, Role
from tests.factories import FacilityFactory, MembershipFactory, StaffUserFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """DEBUG is off in tests, as in production; undo only what needs a real deployment.

    Set once, before the live server builds its middleware (which reads these at start).
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    # Model import already built the storages (a FileField evaluates its storage callable):
    # tell the storage handler, as override_settings would.
    from django.test.signals import setting_changed

    setting_changed.send(sender=None, setting="STORAGES", value=settings.STORAGES, enter=True)


@pytest.fixture(autouse=True)
def _test_settings(settings: LazySettings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # A standby never sees a test's uncommitted rows: reports read the primary, except in
    # the test that shows the replica at work (tests/pic/test_replica.py).
    settings.PIC_REPORTS_DATABASE = "default"


_FORCE_LOGIN = Client.force_login


def sign_in_without_mfa(client: Client, user: User) -> None:
    """Django's own force_login: a session past the password step only (MFA pending)."""
    _FORCE_LOGIN(client, user)


def verified_device(user: User) -> TOTPDevice:
    """The account's confirmed authenticator, made when it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def _force_login_verified(self: Client, user: User, backend: str | None = None) -> None:
    _FORCE_LOGIN(self, user, backend)
    if user.has_usable_password():
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
        # As the sign-in form does: the session's clocks start now (no write on first use).
        session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = time.time()
        session.save()


@pytest.fixture(autouse=True)
def _mfa_verified_force_login(monkeypatch: pytest.MonkeyPatch) -> None:
    """MFA is on in tests (DEBUG is off): `client.force_login` of a staff account stands for
    a sign-in that passed both steps, with a real confirmed device in the session. Tests of
    the second step itself start from `sign_in_without_mfa`."""
    monkeypatch.setattr(Client, "force_login", _force_login_verified)


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """A transactional test's flush empties every table, the rows the data migrations wrote
    included: write them again for the tests that run after one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.core.cache import cache

    # The database cache's table is no model, so the flush leaves it: rate-limit counts and
    # cached fragments of earlier tests would carry over (a submit limit reached by them).
    cache.clear()
    from facilities.models import ProgramSettings
    from facilities.services import ensure_pic_coordinators_group
    from screening.models import StepRequirement
    from screening.reference_data import seed_step_requirements
    from volunteers.models import Course
    from volunteers.reference_data import seed_courses

    ProgramSettings.load()
    ensure_pic_coordinators_group()
    seed_step_requirements(StepRequirement)
    seed_courses(Course)


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def facility(db: Any) -> Facility:
    return FacilityFactory.create(code="ACC", name="Algoa Correctional Center")


@pytest.fixture
def other_facility(db: Any) -> Facility:
    return FacilityFactory.create(code="BCC", name="Boonville Correctional Center")


@pytest.fixture
def pic_coordinator(db: Any) -> User:
    return StaffUserFactory.create(pic_coordinator=True)


def member(facility: Facility, role: str = Role.IAC) -> User:
    """A staff account holding `role` at `facility`."""
    membership: Membership = MembershipFactory.create(facility=facility, role=role)
    return membership.user


@pytest.fixture
def iac(facility: Facility) -> User:
    return member(facility, Role.IAC)


@pytest.fixture
def chaplain(facility: Facility) -> User:
    return member(facility, Role.CHAPLAIN)


@pytest.fixture
def clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """A throwaway redis-server (Debian's package) on a free port; yields its URL.

    Skipped with the reason shown when redis-server is not installed, unless REQUIRE_REDIS=1
    (CI), which makes that a failure. No persistence: the data lives and dies with the run.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("REQUIRE_REDIS", "") not in ("", "0"):
            pytest.fail(f"{message}; REQUIRE_REDIS=1")
        pytest.skip(message)
    import redis

    root = Path(tempfile.mkdtemp(prefix="pic-redis-"))
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(root),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(root / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = root / "redis.log"
                    raise RuntimeError(
                        f"redis-server did not start: {log.read_text() if log.exists() else ''}"
                    ) from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def redis_settings(redis_server: str, settings: LazySettings) -> Iterator[str]:
    """Cache, sessions and rate limits in Redis, as pic/settings.py sets them for REDIS_URL."""
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server,
            "KEY_PREFIX": "pic",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    redis.Redis.from_url(redis_server).flushdb()
    yield redis_server
    redis.Redis.from_url(redis_server).flushdb()
