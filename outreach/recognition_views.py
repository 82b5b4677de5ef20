"""Recognition pages: a facility's (or the state's) certificate jobs, their progress and
the PDF; a facility's service milestones; the volunteer's own milestones and certificate."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from applications import age
from applications.access import applicant_required
from applications.downloads import pdf_response
from applications.services import person_for_login
from audit.services import record
from facilities.access import Capability, facility_required, staff_required
from facilities.models import Facility
from outreach import recognition as R
from outreach.models import CertificateJob, JobStatus
from outreach.recognition_pdf import certificates_pdf

JOBS = "outreach/certificate_jobs.html"
JOB = "outreach/certificate_job.html"


def _jobs(request: HttpRequest, facility: Facility | None) -> HttpResponse:
    if request.method == "POST":
        job = R.request_certificates(facility=facility, by=request.user)
        return redirect(_job_url_name(facility), *_job_args(facility, job.pk))
    jobs = CertificateJob.objects.filter(facility=facility)[:20]
    context = {"facility": facility, "jobs": jobs, "count": R.active_grants(facility).count()}
    return render(request, JOBS, context)


def _job_url_name(facility: Facility | None) -> str:
    return "recognition:certificate_job" if facility else "recognition:statewide_job"


def _job_args(facility: Facility | None, job_id: int) -> list[object]:
    return [facility.code, job_id] if facility else [job_id]


def _job(request: HttpRequest, facility: Facility | None, job_id: int) -> HttpResponse:
    job = get_object_or_404(CertificateJob.objects.filter(facility=facility), pk=job_id)
    context = {"facility": facility, "job": job, "url_name": _job_url_name(facility)}
    return render(request, f"{JOB}#progress" if request.htmx else JOB, context)  # type: ignore[attr-defined]


def _download(request: HttpRequest, facility: Facility | None, job_id: int) -> FileResponse:
    job = get_object_or_404(
        CertificateJob.objects.filter(facility=facility, status=JobStatus.DONE).exclude(file=""),
        pk=job_id,
    )
    record(
        by=request.user, action="outreach.certificates_downloaded", target=job, facility=facility
    )
    where = facility.code if facility else "statewide"
    return FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"certificates-{where}-{job.year}.pdf",
    )


@require_http_methods(["GET", "POST"])
@facility_required(Capability.RECORD)
def certificates(request: HttpRequest, facility: Facility) -> HttpResponse:
    return _jobs(request, facility)


@require_GET
@facility_required(Capability.RECORD)
def certificate_job(request: HttpRequest, facility: Facility, job_id: int) -> HttpResponse:
    return _job(request, facility, job_id)


@require_GET
@facility_required(Capability.RECORD)
@cache_control(private=True, no_store=True)
def certificate_download(request: HttpRequest, facility: Facility, job_id: int) -> FileResponse:
    return _download(request, facility, job_id)


@require_http_methods(["GET", "POST"])
@staff_required(Capability.PROGRAM)
def statewide_certificates(request: HttpRequest) -> HttpResponse:
    return _jobs(request, None)


@require_GET
@staff_required(Capability.PROGRAM)
def statewide_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job(request, None, job_id)


@require_GET
@staff_required(Capability.PROGRAM)
@cache_control(private=True, no_store=True)
def statewide_download(request: HttpRequest, job_id: int) -> FileResponse:
    return _download(request, None, job_id)


@require_GET
@facility_required(Capability.VIEW)
def milestones(request: HttpRequest, facility: Facility) -> HttpResponse:
    rows = R.standings(R.active_grants(facility), age.today())
    context = {"facility": facility, "rows": rows, **_milestone_names()}
    return render(request, "outreach/milestones.html", context)


def _milestone_names() -> dict[str, object]:
    return {"hour_milestones": R.HOUR_MILESTONES, "year_milestones": R.YEAR_MILESTONES}


@applicant_required
@require_GET
def my_recognition(request: HttpRequest) -> HttpResponse:
    person = person_for_login(user=request.user)  # type: ignore[arg-type]
    rows = R.standings(R.active_grants(None).filter(person=person), age.today())
    context = {"rows": rows, "year": age.today().year, **_milestone_names()}
    return render(request, "outreach/portal_recognition.html", context)


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def my_certificate(request: HttpRequest, grant_id: int) -> HttpResponse:
    person = person_for_login(user=request.user)  # type: ignore[arg-type]
    rows = R.standings(R.active_grants(None).filter(person=person, pk=grant_id), age.today())
    content = certificates_pdf(rows, age.today().year) if rows else None
    if content is None:
        raise Http404("No active access of yours.")
    grant = rows[0].grant
    record(
        by=request.user,
        action="outreach.certificate_downloaded",
        target=grant,
        facility=grant.facility,
    )
    return pdf_response(content, f"certificate-{grant.facility.code}-{age.today().year}.pdf")
