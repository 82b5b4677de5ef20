"""Helpers for the outreach tests: approved hours, written as the hours pages record them."""

from datetime import date
from decimal import Decimal

from volunteers.models import FacilityAccess, HourEntry, HourSource, HourStatus


def hours(
    grant: FacilityAccess,
    amount: str | int,
    *,
    on: date,
    status: str = HourStatus.APPROVED,
) -> list[HourEntry]:
    """`amount` hours at the grant's facility on `on`, in entries of at most 8 hours."""
    left, made = Decimal(amount), []
    while left > 0:
        part = min(left, Decimal(8))
        made.append(
            HourEntry.objects.create(
                person=grant.person,
                facility=grant.facility,
                access=grant,
                worked_on=on,
                program_area="other",
                hours=part,
                status=status,
                source=HourSource.STAFF,
                reject_reason="not served" if status == HourStatus.REJECTED else "",
            )
        )
        left -= part
    return made
