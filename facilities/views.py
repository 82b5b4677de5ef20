from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from facilities.access import Capability, facilities_for, facility_required, staff_required
from facilities.forms import DirectoryFilterForm
from facilities.http import HtmxHttpRequest
from facilities.models import Facility, FacilityKind, Membership, ProgramSettings, Region

# The order a visitor scans the directory in: prisons first, the central office last.
KIND_ORDER = list(FacilityKind.values)
_kind_rank = Case(
    *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(KIND_ORDER)],
    output_field=IntegerField(),
)


def _grouped(facilities: list[Facility]) -> list[tuple[str, list[Facility]]]:
    return [
        (str(FacilityKind(kind).label), list(rows))
        for kind, rows in groupby(facilities, key=lambda f: f.kind)
    ]


@login_not_required
@require_GET
def directory(request: HtmxHttpRequest) -> HttpResponse:
    regions = list(
        Region.objects.filter(facilities__isnull=False)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    form = DirectoryFilterForm(request.GET or None, regions=regions)
    facilities = list(
        form.filter(Facility.objects.select_related("region")).order_by(_kind_rank, "name")
    )
    context = {"form": form, "groups": _grouped(facilities), "count": len(facilities)}
    if request.htmx:
        return render(request, "facilities/facility_list.html#results", context)
    return render(request, "facilities/facility_list.html", context)


@login_not_required
@require_GET
def facility_detail(request: HttpRequest, code: str) -> HttpResponse:
    listed = Prefetch(
        "memberships",
        Membership.objects.listed().select_related("user"),
        to_attr="listed_coordinators",
    )
    facilities = Facility.objects.prefetch_related(listed)  # type: ignore[arg-type]
    facility = get_object_or_404(facilities, code=code.upper())
    program_visits = facility.program_visits_allowed(ProgramSettings.load())
    return render(
        request,
        "facilities/facility_detail.html",
        {"facility": facility, "program_visits": program_visits},
    )


@require_GET
@staff_required(Capability.VIEW)
def staff_home(request: HttpRequest) -> HttpResponse:
    facilities = facilities_for(request.user, Capability.VIEW).order_by(_kind_rank, "name")
    return render(request, "facilities/staff_home.html", {"groups": _grouped(list(facilities))})


@require_GET
@facility_required(Capability.VIEW)
def staff_facility(request: HttpRequest, facility: Facility) -> HttpResponse:
    memberships = facility.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "facilities/staff_facility.html",
        {"facility": facility, "memberships": memberships},
    )
