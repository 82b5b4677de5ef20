"""Helpers for the lifecycle tests: grants in each status, and a grant ready to renew."""

from datetime import date
from decimal import Decimal

from accounts.models import User
from applications import age
from facilities.models import Facility, ProgramSettings
from tests.volunteers.activation_helpers import (
    IN_SERVICE,
    PREA,
    active_grant,
    course,
    grant_at,
)
from volunteers import activation
from volunteers.compliance import add_months
from volunteers.models import AccessStatus, FacilityAccess


def in_service(
    grant: FacilityAccess, *, by: User, hours: str = "6", on: date | None = None
) -> None:
    activation.record_completion(
        person=grant.person,
        course=course(IN_SERVICE),
        completed_on=on or age.today(),
        hours=Decimal(hours),
        by=by,
    )


def prea_today(grant: FacilityAccess, *, by: User) -> None:
    activation.record_completion(
        person=grant.person, course=course(PREA), completed_on=age.today(), by=by
    )


def renewable(facility: Facility, *, by: User, months_left: int = 1) -> FacilityAccess:
    """Active and expiring in `months_left` months (negative: already past), PREA, the
    in-service and a TB test done today, the application's cleared check copied on
    approval (today)."""
    validity = ProgramSettings.load().access_validity_months
    grant = active_grant(facility, by=by, on=add_months(age.today(), months_left - validity))
    prea_today(grant, by=by)
    in_service(grant, by=by)
    activation.record_tb_test(person=grant.person, tested_on=age.today(), result="negative", by=by)
    return FacilityAccess.objects.get(pk=grant.pk)


def in_status(facility: Facility, status: str, *, by: User) -> FacilityAccess:
    """A grant in `status`, reached by the lifecycle's own moves."""
    if status == AccessStatus.PENDING_ACTIVATION:
        return grant_at(facility, by=by)
    grant = active_grant(facility, by=by)
    if status != AccessStatus.ACTIVE:
        activation.move_access(grant=grant, to=status, by=by, text="set up")
    return FacilityAccess.objects.get(pk=grant.pk)
