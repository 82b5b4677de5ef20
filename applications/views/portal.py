"""The applicant's portal under /account/: applications, timeline, submit, answer, withdraw."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications import age
from applications import sections as S
from applications.access import applicant_required
from applications.forms import StartApplicationForm, WithdrawForm
from applications.models import Application, ApplicationEvent, Person
from applications.services import (
    AlreadyLive,
    ApplicationError,
    Incomplete,
    TooYoung,
    age_notice,
    answer_information_request,
    completeness,
    contact_eligibility_notice,
    editable_sections,
    person_for_login,
    start_application,
    submit_application,
    withdraw_application,
)


def applicant_application(request: HttpRequest, public_id: str) -> Application:
    """The signed-in applicant's own application, or 404 (never anyone else's)."""
    return get_object_or_404(
        Application.objects.for_applicant(request.user).select_related("facility", "person"),
        public_id=public_id,
    )


def _person(request: HttpRequest) -> Person:
    return person_for_login(user=request.user)  # type: ignore[arg-type]


@applicant_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    applications = (
        Application.objects.for_applicant(request.user)
        .select_related("facility")
        .order_by("-created_at")
    )
    return render(request, "applications/home.html", {"applications": applications})


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    initial = {"facility": request.GET.get("facility", ""), "kind": request.GET.get("kind", "")}
    form = StartApplicationForm(request.POST or None, initial=initial)
    existing = None
    if request.method == "POST" and form.is_valid():
        try:
            application = start_application(
                by=request.user, person=_person(request), **form.cleaned_data
            )
        except AlreadyLive as exc:
            existing = exc.existing
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            form.add_error("facility", str(exc))
        else:
            return redirect("applications:section", application.public_id, S.SLUGS[0])
    return render(request, "applications/apply.html", {"form": form, "existing": existing})


@applicant_required
@require_GET
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    application = applicant_application(request, public_id)
    events = ApplicationEvent.objects.for_applicant().filter(application=application)
    context = {
        "application": application,
        "events": events,
        "information_request": application.open_information_request,
        "documents": application.documents.all(),
        "contact_eligible_on": contact_eligibility_notice(application, age.today()),
        "age_notice": age_notice(application, age.today()),
        "today": age.today(),
    }
    return render(request, "applications/detail.html", context)


def _review_context(application: Application, *, refused: bool = False) -> dict[str, object]:
    return {
        "application": application,
        "sections": S.answer_blocks(application),
        "documents": application.documents.all(),
        "problems": completeness(application),
        "age_notice": age_notice(application, age.today()),
        "submit_refused": refused,
    }


@applicant_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, public_id: str) -> HttpResponse:
    application = applicant_application(request, public_id)
    if application.status != "draft":
        return redirect("applications:detail", application.public_id)
    refused = False
    if request.method == "POST":
        try:
            submitted = submit_application(
                application=application, by=request.user, language=request.LANGUAGE_CODE
            )
        except TooYoung:
            refused = True  # the page's one age notice gives the date; the draft is kept
        except Incomplete:
            messages.error(request, _("Some answers are missing or need correcting: see below."))
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Your application was submitted. Its reference number is %(reference)s.")
                % {"reference": submitted.reference},
            )
            return redirect("applications:detail", submitted.public_id)
    context = _review_context(application, refused=refused)
    return render(request, "applications/review.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, public_id: str) -> HttpResponse:
    application = applicant_application(request, public_id)
    information_request = application.open_information_request
    if information_request is None:
        raise Http404("No open information request.")
    problems = {}
    if request.method == "POST":
        try:
            answer_information_request(
                application=application, by=request.user, language=request.LANGUAGE_CODE
            )
        except Incomplete as exc:
            problems = exc.problems
            messages.error(request, _("Some answers are missing or need correcting: see below."))
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you. Your answers were sent to the coordinator."))
            return redirect("applications:detail", application.public_id)
    reopened = [
        s for s in S.sections_for(application.kind) if s.slug in editable_sections(application)
    ]
    context = {
        "application": application,
        "information_request": information_request,
        "reopened": reopened,
        "problems": problems or completeness(application, [s.slug for s in reopened]),
    }
    return render(request, "applications/answer.html", context)


@applicant_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    application = applicant_application(request, public_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_application(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your application was withdrawn."))
        return redirect("applications:detail", application.public_id)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})
