"""Decisions through the status service: the approval gate, approve, decline."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from applications import age
from applications import services as app_services
from applications.models import (
    AccessLevel,
    Application,
    EventKind,
    Mover,
    Status,
)
from applications.services import transition
from audit.services import record
from screening.models import BackgroundCheck, CheckOutcome, StepState
from screening.services.errors import GateClosed, ScreeningError
from volunteers.models import Ban, FacilityAccess
from volunteers.services import create_grant, holds_live_access, standing_ban

# Decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GateFacts:
    """What a page has already read for the gate: the standing ban (None: none) and whether
    the applicant holds live access at the facility. Approving always reads them afresh."""

    ban: Ban | None
    holds_live_access: bool


def approval_problems(
    application: Application, on: date | None = None, facts: GateFacts | None = None
) -> list[str]:
    """What stands between this application and approval (DESIGN rule 3, first gate)."""
    on = on or age.today()
    problems: list[str] = []
    if application.status != Status.IN_REVIEW:
        problems.append(_("The application must be in review."))
    steps = list(application.screening_steps.all())
    if not steps:
        problems.append(_("Review has not started: no screening steps yet."))
    for step in steps:
        if step.state == StepState.FAILED:
            problems.append(
                _("%(step)s failed: record it again.") % {"step": step.get_step_kind_display()}
            )
        elif not step.is_done:
            problems.append(
                _("%(step)s is not passed or waived.") % {"step": step.get_step_kind_display()}
            )
    born = application.person.date_of_birth
    if born is None or age.age_on(born, on) < age.VOLUNTEER_AGE:
        problems.append(_("The applicant is not 18 yet."))
    if (facts.ban if facts is not None else standing_ban(application.person)) is not None:
        problems.append(_("The applicant is under a statewide ban."))
    # .all(): the application page has the relationships prefetched.
    unresolved = [
        r
        for r in application.relationships.all()
        if r.facility_id == application.facility_id and not r.exception_note
    ]
    for relationship in unresolved:
        problems.append(
            _("Relationship conflict not resolved: %(who)s.") % {"who": str(relationship)}
        )
    if facts.holds_live_access if facts is not None else holds_live_access(application):
        problems.append(
            _("The applicant already holds access at this facility: renew or change it.")
        )
    return problems


@transaction.atomic
def approve_application(
    *, application: Application, by: Any, level: str, note: str = ""
) -> FacilityAccess:
    """Approve at `level` (never more than requested) and create the pending grant."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "facility")
        .get(pk=application.pk)
    )
    if level not in AccessLevel.values:
        raise ScreeningError(_("Choose the access level granted."))
    if level == AccessLevel.CONTACT and locked.access_level_requested != AccessLevel.CONTACT:
        raise ScreeningError(_("The level granted cannot be more than the level requested."))
    if locked.status != Status.IN_REVIEW:
        raise app_services.IllegalMove(locked, Status.APPROVED)
    missing = approval_problems(locked)
    if missing:
        raise GateClosed(missing)
    moved = transition(
        application=locked,
        to=Status.APPROVED,
        by=by,
        mover=Mover.DECIDE,
        text=_("Approved."),
        data={"level": level},
    )
    if note.strip():  # a staff note, never shown to the applicant
        app_services.append_event(moved, EventKind.NOTE, by=by, text=note.strip())
    cleared = BackgroundCheck.objects.filter(
        step__application=moved, outcome=CheckOutcome.CLEARED
    ).current()
    grant = create_grant(application=moved, level=level, by=by, checks=cleared)
    record(
        by=by,
        action="screening.application_approved",
        target=moved,
        facility=moved.facility,
        details={"level": level},
    )
    transaction.on_commit(
        lambda: app_services.mail_applicant(
            moved, "application_approved", level=AccessLevel(level).label
        )
    )
    return grant


@transaction.atomic
def decline_application(
    *, application: Application, by: Any, reason: str, note: str = ""
) -> Application:
    """Decline with a reason code (from submitted, in review or info requested)."""
    from applications.models import DeclineReason

    if reason not in DeclineReason.values:
        raise ScreeningError(_("Choose the reason for declining."))
    moved = transition(
        application=application,
        to=Status.DECLINED,
        by=by,
        mover=Mover.DECIDE,
        text=note,
        visible=True,
        data={"reason": reason},
        decline_reason=reason,
    )
    record(
        by=by,
        action="screening.application_declined",
        target=moved,
        facility=moved.facility,
        details={"reason": reason},
    )
    transaction.on_commit(
        lambda: app_services.mail_applicant(
            moved, "application_declined", reason=DeclineReason(reason).label
        )
    )
    return moved
