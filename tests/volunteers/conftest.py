"""Fixtures shared by the volunteers tests: the screening tests' people (site coordinator,
the other facility's IAC, staff without a role, an applicant's login) are theirs too."""

from tests.screening.conftest import applicant_user, other_iac, site_coordinator, staff_without_role

__all__ = ["applicant_user", "other_iac", "site_coordinator", "staff_without_role"]
