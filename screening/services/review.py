"""Review: start it, record steps, waive, resolve conflicts, notes (checks: checks.py)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import services as app_services
from applications.models import (
    Application,
    ApplicationEvent,
    EventKind,
    Mover,
    Relationship,
    Status,
)
from applications.services import transition
from audit.services import record
from screening.models import (
    ScreeningStep,
    StepKind,
    StepRequirement,
    StepState,
)
from screening.services.errors import ScreeningError

# Review and steps -----------------------------------------------------------------------


@transaction.atomic
def start_review(*, application: Application, by: Any) -> Application:
    """Move to in_review and copy the required steps onto the application."""
    moved = transition(
        application=application,
        to=Status.IN_REVIEW,
        by=by,
        mover=Mover.RECORD,
        text=_("Review started."),
    )
    requirements = StepRequirement.objects.filter(application_kind=moved.kind)
    ScreeningStep.objects.bulk_create(
        [
            ScreeningStep(application=moved, step_kind=r.step_kind, order=r.order)
            for r in requirements
        ],
        ignore_conflicts=True,
    )
    return moved


def check_recordable(application: Application) -> None:
    if application.status not in (Status.IN_REVIEW, Status.INFO_REQUESTED):
        raise ScreeningError(_("Steps are recorded while the application is in review."))


def step_event(step: ScreeningStep, by: Any, text: str) -> None:
    app_services.append_event(
        step.application,
        EventKind.STEP,
        by=by,
        text=text,
        visible=False,
        data={"step": step.step_kind, "state": step.state},
    )


@transaction.atomic
def record_step(
    *,
    step: ScreeningStep,
    by: Any,
    state: str,
    occurred_on: date | None = None,
    conducted_by: str = "",
    note: str = "",
) -> ScreeningStep:
    """Record a step as passed, failed or pending again. A background check passes only
    when it holds at least one current check and every current check is cleared."""
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    check_recordable(step.application)
    if state not in (StepState.PASSED, StepState.FAILED, StepState.PENDING):
        raise ScreeningError(_("Choose passed, failed or pending."))
    is_background = step.step_kind == StepKind.BACKGROUND_CHECK
    if state == StepState.PASSED and is_background and not step.checks.all_cleared():
        raise ScreeningError(
            _(
                "A background check passes only when every current check on it is "
                "cleared (a check superseded by a re-run or voided no longer counts), "
                "and at least one is."
            )
        )
    step.state = state
    step.occurred_on = occurred_on
    step.conducted_by = conducted_by
    step.note = note
    step.waive_reason = ""
    step.recorded_by = by if isinstance(by, User) else None
    step.recorded_at = timezone.now()
    step.save()
    step_event(step, by, f"{step.get_step_kind_display()}: {step.get_state_display()}. {note}")
    return step


@transaction.atomic
def waive_step(*, step: ScreeningStep, by: Any, reason: str) -> ScreeningStep:
    """Waive a step (the decide capability); the reason is required."""
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    check_recordable(step.application)
    if not reason.strip():
        raise ScreeningError(_("Give the reason for waiving this step."))
    step.state = StepState.WAIVED
    step.waive_reason = reason.strip()
    step.recorded_by = by if isinstance(by, User) else None
    step.recorded_at = timezone.now()
    step.save()
    step_event(step, by, f"{step.get_step_kind_display()} waived: {reason}")
    record(
        by=by,
        action="screening.step_waived",
        target=step.application,
        facility=step.application.facility,
        details={"step": step.step_kind},
    )
    return step


@transaction.atomic
def resolve_conflict(*, relationship: Relationship, by: Any, note: str) -> Relationship:
    """Write the exception that allows a relation at the requested facility (rule 5)."""
    if not note.strip():
        raise ScreeningError(_("Write the exception: why this relationship is acceptable."))
    application = relationship.application
    if not application.is_open or relationship.facility_id != application.facility_id:
        raise ScreeningError(_("There is no open conflict to resolve here."))
    relationship.exception_note = note.strip()
    relationship.exception_by = by if isinstance(by, User) else None
    relationship.exception_at = timezone.now()
    relationship.save(update_fields=["exception_note", "exception_by", "exception_at"])
    app_services.append_event(
        relationship.application,
        EventKind.CONFLICT_RESOLVED,
        by=by,
        text=f"{relationship}: {note.strip()}",
        data={"relationship": relationship.pk},
    )
    record(
        by=by,
        action="screening.conflict_resolved",
        target=application,
        facility=application.facility,
        details={"relationship": relationship.pk},
    )
    return relationship


@transaction.atomic
def add_note(*, application: Application, by: Any, text: str) -> ApplicationEvent:
    if not text.strip():
        raise ScreeningError(_("The note is empty."))
    return app_services.append_event(application, EventKind.NOTE, by=by, text=text.strip())


@transaction.atomic
def mark_answered_another_way(*, application: Application, by: Any, note: str) -> Application:
    """Info requested → in review, when the applicant answered by phone, mail or in person."""
    if not note.strip():
        raise ScreeningError(_("Say how the applicant answered."))
    request = application.open_information_request
    moved = transition(
        application=application,
        to=Status.IN_REVIEW,
        by=by,
        mover=Mover.RECORD,
        text=_("Your answer was received; the application is back in review."),
        visible=True,
    )
    app_services.append_event(moved, EventKind.NOTE, by=by, text=note.strip())
    if request is not None:
        request.answered_at = timezone.now()
        request.answered_by = by if isinstance(by, User) else None
        request.answer_note = note.strip()
        request.save(update_fields=["answered_at", "answered_by", "answer_note"])
    return moved
