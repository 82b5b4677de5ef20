"""Report pages, their CSV, and the audit viewer: HTTP only (the figures are in queries/)."""

from collections.abc import Iterable

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications import age
from audit.services import record
from facilities.access import Capability, is_pic_coordinator, staff_required
from pic.routers import reads_from_replica, streamed_from_replica
from reports.filters import ReportFilterForm, filter_form
from reports.queries import PAGES, Page
from reports.queries.audit import HEADER, PAGE_SIZE, AuditFilterForm, csv_rows
from reports.tables import stream_csv, table_csv


def _page(slug: str) -> Page:
    if slug not in PAGES:
        raise Http404("No such report.")
    return PAGES[slug]


def error_links(form: ReportFilterForm | AuditFilterForm) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary at the top of the page."""
    if not form.is_bound:
        return []
    links = [("", str(e)) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            links += [(form[name].auto_id, f"{form.fields[name].label}: {e}") for e in errors]
    return links


def _valid(form: ReportFilterForm | AuditFilterForm) -> bool:
    return not form.is_bound or form.is_valid()


@require_GET
@staff_required(Capability.VIEW)
@reads_from_replica  # inside the guard: permission checks read the primary
def report(request: HttpRequest, page: str = "overview") -> HttpResponse:
    spec = _page(page)
    form = filter_form(request.GET, request.user)
    valid = _valid(form)
    context = {
        "page": spec,
        "pages": PAGES.values(),
        "form": form,
        "tables": spec.build(form.scope()) if valid else [],
        "query": request.GET.urlencode(),
        "error_links": error_links(form),
        "is_pic_coordinator": is_pic_coordinator(request.user),
    }
    return render(request, "reports/report.html", context, status=200 if valid else 400)


def _csv_response(rows: Iterable[str], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{age.today()}.csv"'
    return response


@require_GET
@staff_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
@reads_from_replica
def report_csv(request: HttpRequest, page: str, table: str) -> HttpResponse | StreamingHttpResponse:
    spec = _page(page)
    form = filter_form(request.GET, request.user)
    if not _valid(form):
        return report(request, page)
    scope = form.scope()
    found = next((t for t in spec.build(scope) if t.slug == table), None)
    if found is None:
        raise Http404("No such table.")
    details = {
        "report": page,
        "table": table,
        **scope.as_dict(),
        "facility": request.GET.get("facility", ""),
        "region": request.GET.get("region", ""),
    }
    record(by=request.user, action="reports.downloaded", target=f"{page}/{table}", details=details)
    return _csv_response(streamed_from_replica(table_csv(found)), f"pic-{page}-{table}")


def _audit_form(request: HttpRequest) -> AuditFilterForm:
    bound = any(key in AuditFilterForm.base_fields for key in request.GET)
    return AuditFilterForm(request.GET if bound else None)


@require_GET
@staff_required(Capability.PROGRAM)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = _audit_form(request)
    valid = _valid(form)
    events = form.events() if valid else form.events().none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    # Looking at the log is itself in the log (who read what, with which filters).
    record(
        by=request.user,
        action="reports.audit_viewed",
        details={**form.filters(), "page": page.number},
    )
    context = {
        "form": form,
        "page_obj": page,
        "pages": PAGES.values(),
        "query": request.GET.urlencode(),
        "error_links": error_links(form),
        "is_pic_coordinator": True,
    }
    return render(request, "reports/audit_log.html", context, status=200 if valid else 400)


@require_GET
@staff_required(Capability.PROGRAM)
@cache_control(private=True, no_store=True)
def audit_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form = _audit_form(request)
    if not _valid(form):
        return audit_log(request)
    record(by=request.user, action="reports.audit_downloaded", details=form.filters())
    return _csv_response(stream_csv(HEADER, csv_rows(form.events())), "pic-audit-log")
