"""The staff application page: answers, flags, steps, timeline, and the allowed actions."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from applications import age
from applications import sections as S
from applications.downloads import document_response, pdf_response
from applications.models import Application, PossibleDuplicate, Relationship, Status
from audit.services import record
from facilities.access import Capability, has_capability, is_pic_coordinator, staff_required
from facilities.models import ProgramSettings
from screening.models import BackgroundCheck, ScreeningStep, StepKind
from screening.queries import statewide_facts
from screening.services import GateFacts, approval_problems, standing_ban
from screening.views.common import staff_application
from volunteers.models import LIVE_ACCESS, FacilityAccess


@dataclass(frozen=True)
class CheckPanel:
    check: BackgroundCheck
    rerun_form: Any
    void_form: Any


@dataclass(frozen=True)
class StepPanel:
    step: ScreeningStep
    form: Any
    waive_form: Any
    checks: list[CheckPanel]


@dataclass(frozen=True)
class ConflictPanel:
    relationship: Relationship
    form: Any


def _check_panel(check: BackgroundCheck, forms: dict[str, Any]) -> CheckPanel:
    return CheckPanel(
        check=check,
        rerun_form=forms.get(f"rerun-{check.pk}"),
        void_form=forms.get(f"void-{check.pk}"),
    )


def step_initial(step: ScreeningStep) -> dict[str, Any]:
    """What the step's form starts from: what is on record (a waived step is passed)."""
    return {
        "state": step.state if step.state != "waived" else "passed",
        "occurred_on": step.occurred_on or age.today(),
        "conducted_by": step.conducted_by,
        "note": step.note,
    }


def detail_context(
    request: HttpRequest, application: Application, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the page shows; `bound` holds a form that came back with errors.

    The page renders no other form: each action is a panel that loads the form from the
    action's own page (htmx), or links there without JavaScript (screening/views/actions.py).
    """
    user = request.user
    facility = application.facility
    can_record = has_capability(user, Capability.RECORD, facility)
    can_decide = has_capability(user, Capability.DECIDE, facility)
    settings = ProgramSettings.load()
    checks = BackgroundCheck.objects.select_related(
        "recorded_by", "voided_by", "superseded_by", "supersedes"
    ).order_by("run_on", "pk")
    # Read once, for the page and for the approval gate (approval_problems reads the same
    # related managers).
    prefetch_related_objects(
        [application],
        Prefetch(
            "screening_steps",
            ScreeningStep.objects.select_related("recorded_by")
            .prefetch_related(Prefetch("checks", queryset=checks))
            .order_by("order", "pk"),
        ),
        Prefetch("relationships", Relationship.objects.select_related("facility")),
        "criminal_history_entries",
    )
    steps = list(application.screening_steps.all())
    forms: dict[str, Any] = dict(bound or {})
    step_panels = [
        StepPanel(
            step=step,
            form=forms.get(f"step-{step.pk}"),
            waive_form=forms.get(f"waive-{step.pk}"),
            checks=[_check_panel(check, forms) for check in step.checks.all()],
        )
        for step in steps
    ]
    conflicts = [
        ConflictPanel(
            relationship=relationship,
            form=forms.get(f"conflict-{relationship.pk}"),
        )
        for relationship in application.relationships.all()
        if relationship.facility_id == facility.pk
    ]
    duplicates = PossibleDuplicate.objects.open().involving(application.person)
    person = application.person
    # One read of the person's grants: this application's own, and the live ones (the gate
    # and the statewide facts).
    grants = list(
        FacilityAccess.objects.filter(person=person)
        .filter(Q(application=application) | Q(status__in=LIVE_ACCESS))
        .select_related("facility")
        .only(
            "pk", "status", "kind", "person_id", "facility_id", "application_id", "facility__name"
        )
    )
    ban = standing_ban(person)
    facts = GateFacts(
        ban=ban,
        holds_live_access=any(
            g.status in LIVE_ACCESS and g.facility_id == facility.pk for g in grants
        ),
    )
    return {
        "application": application,
        "person": application.person,
        "sections": S.answer_blocks(application),
        "documents": application.documents.all(),
        "events": application.events.select_related("actor"),
        "steps": step_panels,
        "background_step_kind": StepKind.BACKGROUND_CHECK,
        # The organization (or school) verification steps show the registry's entry.
        "registry_step_kinds": [StepKind.ORGANISATION_VERIFICATION, StepKind.SCHOOL_VERIFICATION],
        "organization": application.organization.current if application.organization else None,
        "conflicts": conflicts,
        "ban": ban,
        "duplicates": duplicates.count(),
        "elsewhere": statewide_facts(person, user, grants),
        "gate": approval_problems(application, facts=facts)
        if application.status == Status.IN_REVIEW
        else [],
        "information_request": application.open_information_request,
        "can_record": can_record,
        "can_decide": can_decide,
        "is_pic": is_pic_coordinator(user),
        "today": age.today(),
        "target_days": settings.screening_target_days,
        "forms": forms,
        "grant": next((g for g in grants if g.application_id == application.pk), None),
    }


def render_detail(
    request: HttpRequest, application: Application, bound: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request, "screening/application_detail.html", detail_context(request, application, bound)
    )


@require_GET
@staff_required(Capability.VIEW)
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_detail(request, staff_application(request, reference, Capability.VIEW))


@require_GET
@staff_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def application_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    from applications.pdf import application_pdf as make_pdf

    application = staff_application(request, reference, Capability.VIEW)
    # The signed copy by default; `?rendering=en` gives the English rendering of the same
    # answers beside a Spanish applicant's signed form.
    english = request.GET.get("rendering") == "en"
    record(
        by=request.user,
        action="applications.pdf_downloaded",
        target=application,
        facility=application.facility,
        details={"rendering": "en"} if english else None,
    )
    name = f"{application.reference}{'-en' if english else ''}.pdf"
    return pdf_response(make_pdf(application, "en" if english else None), name)


@require_GET
@staff_required(Capability.VIEW)
@cache_control(private=True, no_store=True)
def application_document(request: HttpRequest, reference: str, document_id: str) -> FileResponse:
    application = staff_application(request, reference, Capability.VIEW)
    document = get_object_or_404(application.documents, public_id=document_id)
    return document_response(document, by=request.user)
