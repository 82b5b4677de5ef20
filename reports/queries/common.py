"""Helpers the report queries share: the facility rows of a scope and grouped aggregates."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from applications.models import Application
from facilities.models import Facility
from reports.filters import Scope
from volunteers.models import FacilityAccess


def facility_rows(scope: Scope) -> list[Facility]:
    """Every facility in scope, an empty one included, by name (one query, or none when
    the filter form has read them for its choices)."""
    if scope.rows is not None:
        return list(scope.rows)
    return list(scope.facilities.select_related("region").order_by("name"))


def region_name(facility: Facility) -> str:
    return facility.region.name if facility.region else _("No region")


def grouped(queryset: QuerySet[Any], key: str, **aggregates: Any) -> dict[Any, dict[str, Any]]:
    """One GROUP BY query: {value of `key`: {aggregate: value}}."""
    rows = queryset.values(key).annotate(**aggregates).order_by()
    return {row.pop(key): row for row in rows}


def applications(scope: Scope) -> QuerySet[Application]:
    """Submitted applications (drafts are the applicant's) in scope, by kind and level."""
    return Application.objects.filter(applications_q(scope))


def applications_q(scope: Scope, prefix: str = "", *, facility: bool = True) -> Q:
    """The filter of `applications`, through a relation to the application (`prefix`), so
    a related model filters on its one join instead of an `application__in` subquery;
    without the facilities (`facility=False`) for a caller that checks them itself."""
    q = Q(**{f"{prefix}submitted_at__isnull": False})
    if facility:
        q &= Q(**{f"{prefix}facility__in": scope.facility_ids()})
    if scope.kind:
        q &= Q(**{f"{prefix}kind": scope.kind})
    if scope.level:
        q &= Q(**{f"{prefix}access_level_requested": scope.level})
    return q


def grants(scope: Scope) -> QuerySet[FacilityAccess]:
    return FacilityAccess.objects.filter(grants_q(scope))


def grants_q(scope: Scope, prefix: str = "") -> Q:
    """The filter of `grants` through a relation to the grant (as `applications_q`)."""
    q = Q(**{f"{prefix}facility__in": scope.facility_ids()})
    if scope.kind:
        q &= Q(**{f"{prefix}kind": scope.kind})
    return q & scope.level_q(prefix)


def share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None
