"""The gate clearance list of one facility for one day: a page, a printable PDF and a CSV.
Each viewing is audited (who looked at whom the gate admits)."""

from datetime import date
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications import age
from applications.downloads import pdf_response
from applications.forms import DateInput
from audit.services import record
from facilities import csvfiles
from facilities.access import Capability, facility_required
from facilities.models import Facility
from volunteers.clearance import (
    ClearanceList,
    Refusals,
    Refused,
    admitted_grants,
    admitted_rows,
    clearance_list,
    list_counts,
)


class DayForm(forms.Form):
    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())


def _day(request: HttpRequest) -> tuple[date, DayForm]:
    """The day asked for (`?on=`), today in Chicago when none or not a date."""
    today = age.today()
    if "on" not in request.GET:
        return today, DayForm(initial={"on": today})
    form = DayForm(request.GET)
    return (form.cleaned_data["on"] if form.is_valid() else today), form


def _audit(
    request: HttpRequest, facility: Facility, on: date, view: str, admitted: int, refused: int
) -> None:
    record(
        by=request.user,
        action="volunteers.clearance_viewed",
        target=facility.code,
        facility=facility,
        details={"on": on.isoformat(), "format": view, "admitted": admitted, "refused": refused},
    )


def _list(request: HttpRequest, facility: Facility, on: date, view: str) -> ClearanceList:
    clearance = clearance_list(facility, on)
    _audit(request, facility, on, view, len(clearance.admitted), len(clearance.refused))
    return clearance


# Rows a page shows of each list; the printable PDF and the CSV hold every row.
PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told its count (read with the other counts in one query)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def clearance(request: HttpRequest, facility: Facility) -> HttpResponse:
    on, form = _day(request)
    counts = list_counts(facility, on)
    admitted = CountedPaginator(admitted_grants(facility, on), PAGE_SIZE, counts["admitted"])
    page = admitted.get_page(request.GET.get("page"))
    page.object_list = admitted_rows(facility, on, list(page.object_list))
    refusals = Refusals(facility, on, bans=counts["bans"], badges=counts["badges"])
    refused_pages: Paginator[Refused] = Paginator(refusals, PAGE_SIZE)
    refused = refused_pages.get_page(request.GET.get("refused"))
    _audit(request, facility, on, "page", admitted.count, len(refusals))
    query = request.GET.copy()
    context = {
        "facility": facility,
        "on": on,
        "admitted": page,
        "refused": refused,
        "form": form,
        "admitted_query": _without(query, "page"),
        "refused_query": _without(query, "refused"),
    }
    return render(request, "volunteers/clearance.html", context)


def _without(query: QueryDict, name: str) -> str:
    rest = query.copy()
    rest.pop(name, None)
    return rest.urlencode()


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def clearance_pdf(request: HttpRequest, facility: Facility) -> HttpResponse:
    from volunteers.pdf import clearance_pdf as render_pdf

    on, _form = _day(request)
    content = render_pdf(_list(request, facility, on, "pdf"))
    return pdf_response(content, f"clearance-{facility.code}-{on.isoformat()}.pdf")


CSV_HEADERS = ["List", "Name", "Badge", "Level", "Reason or warnings", "Since", "Expires"]


def csv_rows(clearance: ClearanceList) -> list[list[object]]:
    """The rows of the CSV: the same people, in the same order, as the page."""
    rows: list[list[object]] = [
        [
            "admit",
            row.grant.person.full_name,
            row.grant.badge_number or "",
            row.level_label,
            "; ".join(w.text() for w in row.warnings),
            "",
            row.grant.expires_on.isoformat() if row.grant.expires_on else "",
        ]
        for row in clearance.admitted
    ]
    rows.extend(
        [
            "do not admit",
            row.person.full_name,
            row.badge_number,
            "",
            row.reason,
            row.since.isoformat() if row.since else "",
            "",
        ]
        for row in clearance.refused
    )
    return rows


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def clearance_csv(request: HttpRequest, facility: Facility) -> StreamingHttpResponse:
    on, _form = _day(request)
    clearance = _list(request, facility, on, "csv")
    response = StreamingHttpResponse(
        csvfiles.lines([CSV_HEADERS, *csv_rows(clearance)]),
        content_type="text/csv; charset=utf-8",
    )
    name = f"clearance-{facility.code}-{on.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
