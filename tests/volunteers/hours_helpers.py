"""Helpers for the service-hours tests: a grant active since some days ago, hours logged
through the service, and a grant's event moved to a given day (events are stamped now)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import User
from applications import age
from facilities.models import Facility
from tests.volunteers.activation_helpers import active_grant
from volunteers.models import AccessEvent, FacilityAccess, HourEntry, HourSource
from volunteers.services import create_hour_entry

CHICAGO = ZoneInfo("America/Chicago")


def days_ago(n: int) -> date:
    return age.today() - timedelta(days=n)


def volunteer(facility: Facility, *, by: User, since: int = 200, **options: Any) -> FacilityAccess:
    """Access active since `since` days ago."""
    return active_grant(facility, by=by, on=days_ago(since), **options)


def log(
    grant: FacilityAccess,
    *,
    on: date | None = None,
    hours: str = "2",
    area: str = "education",
    source: str = HourSource.PORTAL,
    by: Any = None,
    starts_at: time | None = None,
    ends_at: time | None = None,
    approve: bool = False,
) -> HourEntry:
    return create_hour_entry(
        access=grant,
        worked_on=on or days_ago(1),
        program_area=area,
        hours=Decimal(hours),
        starts_at=starts_at,
        ends_at=ends_at,
        source=source,
        by=by or grant.person.user,
        approve=approve,
    )


def date_last_event(grant: FacilityAccess, day: date) -> None:
    """Stamp the grant's latest event at noon on `day` (the service stamps it now)."""
    event = grant.events.order_by("-at", "-pk").first()
    assert event is not None
    AccessEvent.objects.filter(pk=event.pk).update(
        at=datetime.combine(day, time(12), tzinfo=CHICAGO)
    )
