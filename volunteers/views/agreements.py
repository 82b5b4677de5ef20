"""Agreements on the staff side: the PIC Coordinator publishes versions; a facility's staff
see a person's signatures, record a paper one with its scan, and download the signed PDF."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from applications import age
from applications.actions import run_action
from applications.downloads import pdf_response
from audit.services import record
from facilities.access import Capability, facility_required, has_capability, staff_required
from facilities.models import Facility
from volunteers.agreement_forms import PaperSignatureForm, PublishForm
from volunteers.agreements import signable, signing_deadline, unsigned_current
from volunteers.models import (
    AgreementSignature,
    AgreementVersion,
    FacilityAccess,
    scans_given_at,
)
from volunteers.services import agreements as service


def _versions_page(request: HttpRequest, form: PublishForm) -> HttpResponse:
    today = age.today()
    current = {v.pk for v in AgreementVersion.objects.in_effect(today)}
    versions = [
        (v, v.pk in current, signing_deadline(v))
        for v in AgreementVersion.objects.order_by("kind", "-version")
    ]
    return render(
        request, "volunteers/agreement_versions.html", {"versions": versions, "form": form}
    )


@require_GET
@staff_required(Capability.PROGRAM)
def versions(request: HttpRequest) -> HttpResponse:
    return _versions_page(request, PublishForm())


@require_POST
@staff_required(Capability.PROGRAM)
def publish(request: HttpRequest) -> HttpResponse:
    return run_action(
        request,
        PublishForm(request.POST),
        lambda d: service.publish_version(by=request.user, **d),
        success=_("Published; active volunteers are asked to sign it."),
        done=lambda: redirect("volunteers:agreements"),
        again=lambda bound: _versions_page(request, bound),  # type: ignore[arg-type]
    )


def _grant(facility: Facility, grant_id: int) -> FacilityAccess:
    return get_object_or_404(
        FacilityAccess.objects.select_related("person", "facility"), pk=grant_id, facility=facility
    )


def _paper_form(grant: FacilityAccess, data: Any = None, files: Any = None) -> PaperSignatureForm:
    versions = signable(grant.person, age.today())
    return PaperSignatureForm(data, files, person=grant.person, versions=versions)


def _grant_page(
    request: HttpRequest, grant: FacilityAccess, form: PaperSignatureForm
) -> HttpResponse:
    today = age.today()
    context = {
        "grant": grant,
        "facility": grant.facility,
        "person": grant.person,
        "signatures": grant.person.signatures.select_related("version", "recorded_by"),
        "unsigned": unsigned_current(grant.person, today),
        "can_record": has_capability(request.user, Capability.RECORD, grant.facility),
        "form": form,
    }
    return render(request, "volunteers/access_agreements.html", context)


@require_GET
@facility_required(Capability.VIEW)
def grant_agreements(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return _grant_page(request, grant, _paper_form(grant))


@require_POST
@facility_required(Capability.RECORD)
def record_paper(request: HttpRequest, facility: Facility, grant_id: int) -> HttpResponse:
    grant = _grant(facility, grant_id)
    return run_action(
        request,
        _paper_form(grant, request.POST, request.FILES),
        lambda d: service.record_paper_signature(
            person=grant.person, by=request.user, facility=facility, **d
        ),
        success=_("Paper signature recorded."),
        done=lambda: redirect("volunteers:access_agreements", facility.code, grant.pk),
        again=lambda bound: _grant_page(request, grant, bound),  # type: ignore[arg-type]
    )


def _signature(grant: FacilityAccess, signature_id: int) -> AgreementSignature:
    return get_object_or_404(
        AgreementSignature.objects.select_related("version", "person"),
        pk=signature_id,
        person=grant.person,
    )


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def signature_pdf(
    request: HttpRequest, facility: Facility, grant_id: int, signature_id: int
) -> HttpResponse:
    from volunteers.pdf import agreement_pdf

    signature = _signature(_grant(facility, grant_id), signature_id)
    record(
        by=request.user,
        action="volunteers.agreement_downloaded",
        target=signature,
        facility=facility,
    )
    name = f"{signature.version.kind}-v{signature.version.version}.pdf"
    return pdf_response(agreement_pdf(signature, facility), name)


@require_GET
@facility_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def signature_scan(
    request: HttpRequest, facility: Facility, grant_id: int, signature_id: int
) -> FileResponse:
    signature = _signature(_grant(facility, grant_id), signature_id)
    # The signature counts statewide; the paper behind it is the recording facility's.
    given_here = AgreementSignature.objects.filter(scans_given_at(facility, request.user))
    if not signature.scan or not given_here.filter(pk=signature.pk).exists():
        raise Http404("No scan of this facility's: signed online or recorded elsewhere.")
    record(
        by=request.user,
        action="volunteers.agreement_scan_downloaded",
        target=signature,
        facility=facility,
    )
    return FileResponse(
        signature.scan.open("rb"), as_attachment=True, filename=f"agreement-{signature.pk}"
    )
