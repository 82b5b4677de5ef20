"""Fixtures shared by the screening tests (the project-wide ones are in tests/conftest.py)."""

from typing import Any

import pytest

from accounts.models import User
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import StaffUserFactory, UserFactory


@pytest.fixture
def site_coordinator(facility: Facility) -> User:
    return member(facility, Role.SITE_COORDINATOR)


@pytest.fixture
def other_iac(other_facility: Facility) -> User:
    """The IAC of the other facility."""
    return member(other_facility, Role.IAC)


@pytest.fixture
def staff_without_role(db: Any) -> User:
    """A staff account (usable password) holding no membership anywhere."""
    return StaffUserFactory.create()


@pytest.fixture
def applicant_user(db: Any) -> User:
    """An applicant's login: no usable password."""
    return UserFactory.create()
