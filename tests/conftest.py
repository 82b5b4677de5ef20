"""Test-only settings and the fixtures every test module shares."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings

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
