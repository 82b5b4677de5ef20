"""Background checks on the background-check step: record one, supersede it with a re-run,
void a mistaken entry. A check is never edited: the earlier entry stays, marked."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from screening.models import (
    BackgroundCheck,
    CheckOutcome,
    CheckType,
    ScreeningStep,
    StepKind,
    StepState,
)
from screening.services.errors import ScreeningError
from screening.services.review import check_recordable, step_event


def _locked_step(step: ScreeningStep) -> ScreeningStep:
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    check_recordable(step.application)
    if step.step_kind != StepKind.BACKGROUND_CHECK:
        raise ScreeningError(_("Checks belong to the background-check step."))
    return step


def _locked_current(check: BackgroundCheck) -> BackgroundCheck:
    locked = BackgroundCheck.objects.select_for_update().get(pk=check.pk)
    if locked.superseded_by_id is not None:
        raise ScreeningError(_("This check was already superseded by a re-run."))
    if locked.voided_at is not None:
        raise ScreeningError(_("This check was already voided."))
    return locked


def _reopen_if_no_longer_clear(step: ScreeningStep) -> None:
    """A passed step whose current checks are no longer all cleared goes back to pending."""
    if step.state == StepState.PASSED and not step.checks.all_cleared():
        step.state = StepState.PENDING
        step.save(update_fields=["state"])


def _describe(check: BackgroundCheck) -> str:
    who = f" ({check.performed_by})" if check.performed_by else ""
    return f"{check}{who}"


@transaction.atomic
def add_background_check(
    *,
    step: ScreeningStep,
    by: Any,
    check_type: str,
    run_on: date,
    outcome: str,
    performed_by: str,
    reference: str = "",
) -> BackgroundCheck:
    """Record one check's result on the background-check step: who ran it is required; a
    check that is not cleared puts a passed step back to pending."""
    step = _locked_step(step)
    if check_type not in CheckType.values or outcome not in CheckOutcome.values:
        raise ScreeningError(_("Choose the type of check and its outcome."))
    if not performed_by.strip():
        raise ScreeningError(_("Say who ran the check (the agency or person)."))
    check = BackgroundCheck.objects.create(
        step=step,
        check_type=check_type,
        run_on=run_on,
        outcome=outcome,
        reference=reference.strip(),
        performed_by=performed_by.strip(),
        recorded_by=by if isinstance(by, User) else None,
    )
    _reopen_if_no_longer_clear(step)
    step_event(step, by, _describe(check))
    return check


@transaction.atomic
def supersede_check(
    *, earlier: BackgroundCheck, later: BackgroundCheck, by: Any, reason: str
) -> BackgroundCheck:
    """Mark `earlier` superseded by `later`, a re-run of the same type on the same step
    recorded after it; the reason is required. Audited. Returns the earlier check."""
    if not reason.strip():
        raise ScreeningError(_("Give the reason the check was run again."))
    if earlier.pk == later.pk:
        raise ScreeningError(_("A check cannot supersede itself."))
    step = _locked_step(earlier.step)
    earlier = _locked_current(earlier)
    later = BackgroundCheck.objects.select_for_update().get(pk=later.pk)
    if later.step_id != step.pk:
        raise ScreeningError(_("The re-run must be on the same application's background check."))
    if later.check_type != earlier.check_type:
        raise ScreeningError(
            _("Only a re-run of the same check (%(type)s) can supersede it.")
            % {"type": earlier.get_check_type_display()}
        )
    if not later.is_current:
        raise ScreeningError(_("The re-run was itself superseded or voided."))
    if (later.run_on, later.pk) < (earlier.run_on, earlier.pk):
        raise ScreeningError(_("The re-run must be later than the check it supersedes."))
    earlier.superseded_by = later
    earlier.supersede_reason = reason.strip()
    earlier.save(update_fields=["superseded_by", "supersede_reason"])
    _reopen_if_no_longer_clear(step)
    step_event(
        step,
        by,
        _("%(earlier)s superseded by the re-run %(later)s: %(reason)s")
        % {"earlier": _describe(earlier), "later": _describe(later), "reason": reason.strip()},
    )
    record(
        by=by,
        action="screening.check_superseded",
        target=step.application,
        facility=step.application.facility,
        details={
            "check": earlier.pk,
            "superseded_by": later.pk,
            "type": earlier.check_type,
            "outcomes": [earlier.outcome, later.outcome],
        },
    )
    return earlier


@transaction.atomic
def record_rerun(
    *,
    check: BackgroundCheck,
    by: Any,
    run_on: date,
    outcome: str,
    performed_by: str,
    reason: str,
    reference: str = "",
) -> BackgroundCheck:
    """Record a re-run of `check` (same type, same step) and let it supersede `check`.
    Returns the re-run."""
    if not reason.strip():
        raise ScreeningError(_("Give the reason the check was run again."))
    _locked_current(check)
    later = add_background_check(
        step=check.step,
        by=by,
        check_type=check.check_type,
        run_on=run_on,
        outcome=outcome,
        performed_by=performed_by,
        reference=reference,
    )
    supersede_check(earlier=check, later=later, by=by, reason=reason)
    return later


@transaction.atomic
def void_check(*, check: BackgroundCheck, by: Any, reason: str) -> BackgroundCheck:
    """Void a check entered by mistake (kept, marked voided: who, when, why); enter it
    again as a new check. Audited."""
    if not reason.strip():
        raise ScreeningError(_("Give the reason for voiding this check."))
    step = _locked_step(check.step)
    check = _locked_current(check)
    check.voided_at = timezone.now()
    check.voided_by = by if isinstance(by, User) else None
    check.void_reason = reason.strip()
    check.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _reopen_if_no_longer_clear(step)
    step_event(
        step,
        by,
        _("%(check)s voided: %(reason)s") % {"check": _describe(check), "reason": reason.strip()},
    )
    record(
        by=by,
        action="screening.check_voided",
        target=step.application,
        facility=step.application.facility,
        details={"check": check.pk, "type": check.check_type, "outcome": check.outcome},
    )
    return check
