"""Downloads: the applicant's PDF and documents (permission-checked), and the blank forms."""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications.access import applicant_required
from applications.downloads import document_response, pdf_response
from applications.models import Kind, Status
from applications.views.portal import applicant_application
from audit.services import record

BLANK_FORMS = {
    "application-for-facility-access.pdf": Kind.VOLUNTEER,
    "volunteer-student-intern-application.pdf": Kind.STUDENT_INTERN,
}


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def application_pdf_view(request: HttpRequest, public_id: str) -> HttpResponse:
    from applications.pdf import application_pdf

    application = applicant_application(request, public_id)
    if application.status == Status.DRAFT:
        raise Http404("A draft has no PDF yet.")
    record(
        by=request.user,
        action="applications.pdf_downloaded",
        target=application,
        facility=application.facility,
    )
    return pdf_response(application_pdf(application), f"{application.reference}.pdf")


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def document_view(request: HttpRequest, public_id: str, document_id: str) -> FileResponse:
    application = applicant_application(request, public_id)
    document = get_object_or_404(application.documents, public_id=document_id)
    return document_response(document, by=request.user)


@login_not_required
@require_GET
@cache_control(public=True, max_age=3600)
def blank_form(request: HttpRequest, filename: str) -> HttpResponse:
    from applications.pdf import stored_blank_form_pdf

    kind = BLANK_FORMS.get(filename)
    if kind is None:
        raise Http404("No such form.")
    return pdf_response(stored_blank_form_pdf(kind), filename)
