"""The volunteer's agreements under /account/agreements/: what to sign and by when, the
exact text with the typed-name signature, and the PDF of what they signed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from applications import age
from applications.access import applicant_required
from applications.actions import run_action
from applications.downloads import pdf_response
from applications.models import Person
from applications.services import person_for_login
from audit.context import client_ip
from audit.services import record
from volunteers.agreement_forms import SignForm
from volunteers.agreements import signable, signing_deadline
from volunteers.models import AgreementSignature, AgreementVersion, FacilityAccess
from volunteers.services.agreements import sign_agreement


def _person(request: HttpRequest) -> Person:
    return person_for_login(user=request.user)  # type: ignore[arg-type]


def _signable(person: Person) -> list[AgreementVersion]:
    """Only someone holding live access signs: the agreements are the access's terms."""
    if not FacilityAccess.objects.live().filter(person=person).exists():
        return []
    return list(signable(person, age.today()))


@applicant_required
@require_GET
def my_agreements(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    context = {
        "to_sign": [(v, signing_deadline(v)) for v in _signable(person)],
        "signatures": person.signatures.select_related("version"),
    }
    return render(request, "volunteers/portal_agreements.html", context)


def _text(version: AgreementVersion, person: Person) -> tuple[str, str]:
    if person.preferred_language == "es" and version.text_es:
        return version.text_es, "es"
    return version.text_en, "en"


@applicant_required
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, version_id: int) -> HttpResponse:
    person = _person(request)
    version = next((v for v in _signable(person) if v.pk == version_id), None)
    if version is None:
        raise Http404("Nothing to sign here.")
    text, language = _text(version, person)

    def page(form: SignForm) -> HttpResponse:
        context = {"version": version, "text": text, "language": language, "form": form}
        context["deadline"] = signing_deadline(version)
        return render(request, "volunteers/portal_agreement_sign.html", context)

    if request.method == "GET":
        return page(SignForm(person=person))
    return run_action(
        request,
        SignForm(request.POST, person=person),
        lambda d: sign_agreement(
            person=person,
            version=version,
            signed_name=d["signed_name"],
            by=request.user,
            ip_address=client_ip(request),
            language=language,
        ),
        success=_("Signed. Thank you."),
        done=lambda: redirect("volunteers_portal:agreements"),
        again=lambda bound: page(bound),  # type: ignore[arg-type]
    )


@applicant_required
@require_GET
@cache_control(private=True, no_store=True)
def signed_pdf(request: HttpRequest, signature_id: int) -> HttpResponse:
    from volunteers.pdf import agreement_pdf

    person = _person(request)
    signature = get_object_or_404(
        AgreementSignature.objects.select_related("version"), pk=signature_id, person=person
    )
    record(by=request.user, action="volunteers.agreement_downloaded", target=signature)
    with translation.override(signature.language):
        content = agreement_pdf(signature)
    return pdf_response(content, f"{signature.version.kind}-v{signature.version.version}.pdf")
