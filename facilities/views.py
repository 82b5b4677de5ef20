from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from facilities.access import Capability, facilities_for, facility_required, staff_required
from facilities.directory_cache import FRAGMENT_SECONDS, directory_version
from facilities.forms import DirectoryFilterForm
from facilities.http import HtmxHttpRequest
from facilities.models import (
    Facility,
    FacilityKind,
    Membership,
    ProgramSettings,
    Region,
    natural_key,
)

# The order a visitor scans the directory in: prisons first, the central office last.
KIND_ORDER = list(FacilityKind.values)


def _in_directory_order(facilities: QuerySet[Facility]) -> list[Facility]:
    """By kind, then by name read naturally ("District 2" before "District 12")."""
    return sorted(facilities, key=lambda f: (KIND_ORDER.index(f.kind), natural_key(f.name)))


def _grouped(facilities: list[Facility]) -> list[tuple[str, list[Facility]]]:
    return [
        (str(FacilityKind(kind).label), list(rows))
        for kind, rows in groupby(facilities, key=lambda f: f.kind)
    ]


def _regions() -> list[str]:
    return sorted(
        Region.objects.filter(facilities__isnull=False).values_list("name", flat=True).distinct(),
        key=natural_key,
    )


@dataclass(frozen=True)
class Listing:
    groups: list[tuple[str, list[Facility]]]
    count: int


@login_not_required
@require_GET
def directory(request: HtmxHttpRequest) -> HttpResponse:
    version = directory_version()
    fragments = caches["template_fragments"]
    regions: list[str] = (
        fragments.get_or_set(f"facilities:regions:{version}", _regions, FRAGMENT_SECONDS) or []
    )
    form = DirectoryFilterForm(request.GET or None, regions=regions)

    def listing() -> Listing:
        facilities = _in_directory_order(form.filter(Facility.objects.select_related("region")))
        return Listing(groups=_grouped(facilities), count=len(facilities))

    context = {
        "form": form,
        # Read only when the cached fragment is missing (see directory_cache).
        "listing": SimpleLazyObject(listing),
        "cache_seconds": FRAGMENT_SECONDS,
        "cache_version": version,
        "cache_filters": form.cache_key(),
    }
    if request.htmx:
        return render(request, "facilities/facility_list.html#results", context)
    return render(request, "facilities/facility_list.html", context)


@dataclass(frozen=True)
class Contacts:
    coordinators: list[Membership]
    program_visits: int
    central_office: Facility | None
    volunteer_services_phone: Any


def _contacts(facility: Facility) -> Contacts:
    listed = Prefetch(
        "memberships",
        Membership.objects.listed().select_related("user"),
        to_attr="listed_coordinators",
    )
    facilities = Facility.objects.prefetch_related(listed)  # type: ignore[arg-type]
    coordinators = facilities.get(pk=facility.pk).listed_coordinators  # type: ignore[attr-defined]
    program = ProgramSettings.load()
    # No phone or no coordinator listed: send the visitor to the central office instead.
    lists_contact = facility.phone and coordinators
    return Contacts(
        coordinators=coordinators,
        program_visits=facility.program_visits_allowed(program),
        central_office=None if lists_contact else facilities.central_office(),
        volunteer_services_phone=program.volunteer_services_phone,
    )


def _facility(code: str, version: str) -> Facility:
    """The facility's row, kept in this process under the directory's version like the
    fragments it fills (any change to a facility or region replaces the version)."""
    fragments = caches["template_fragments"]
    key = f"facilities:facility:{version}:{code}"
    facility: Facility | None = fragments.get(key)
    if facility is None:
        facility = get_object_or_404(Facility.objects.select_related("region"), code=code)
        fragments.set(key, facility, FRAGMENT_SECONDS)
    return facility


@login_not_required
@require_GET
def facility_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = directory_version()
    facility = _facility(code.upper(), version)
    context = {
        "facility": facility,
        # Read only when the cached fragment is missing (see directory_cache).
        "contacts": SimpleLazyObject(lambda: _contacts(facility)),
        "cache_seconds": FRAGMENT_SECONDS,
        "cache_version": version,
    }
    return render(request, "facilities/facility_detail.html", context)


@require_GET
@staff_required(Capability.VIEW)
def staff_home(request: HttpRequest) -> HttpResponse:
    facilities = _in_directory_order(facilities_for(request.user, Capability.VIEW))
    return render(request, "facilities/staff_home.html", {"groups": _grouped(facilities)})


@require_GET
@facility_required(Capability.VIEW)
def staff_facility(request: HttpRequest, facility: Facility) -> HttpResponse:
    memberships = facility.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "facilities/staff_facility.html",
        {"facility": facility, "memberships": memberships},
    )


@require_GET
@staff_required(Capability.PROGRAM)
def statewide(request: HttpRequest) -> HttpResponse:
    """The PIC Coordinator's statewide work in one place (the header holds only the daily)."""
    return render(request, "facilities/statewide.html")
