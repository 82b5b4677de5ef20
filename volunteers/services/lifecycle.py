"""The access lifecycle after activation (DESIGN: the facility access lifecycle): suspend,
restore, end, revoke, background re-checks, renew, change level, and the roster's bulk
moves. Every move goes through volunteers.activation.move_access (the only writer of a
grant's status, which appends the event), is audited, and mails the volunteer on commit."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import rendered_language
from accounts.models import User
from accounts.tasks import send_templated_email
from applications import age
from applications.models import AccessLevel
from audit.services import record
from facilities.access import Capability, has_capability
from facilities.models import ProgramSettings
from volunteers.activation import move_access
from volunteers.agreements import unsigned_current
from volunteers.compliance import add_months, currency_problems, items_for
from volunteers.errors import GateClosed, VolunteerError
from volunteers.models import (
    LIVE_ACCESS,
    AccessCheck,
    AccessEventKind,
    AccessStatus,
    CheckOutcome,
    CheckType,
    Course,
    FacilityAccess,
)
from volunteers.services.bans import ban_person, standing_ban

# The renewal window opens this many days before the expiry.
RENEWAL_WINDOW_DAYS = 60
PREA_COURSE = "prea"


def _user(by: Any) -> User | None:
    return by if isinstance(by, User) else None


def _day(value: date | None) -> str:
    """A date as the active language writes it ("December 5, 2026", "5 de diciembre de
    2026")."""
    return str(formats.date_format(value)) if value else ""


def _locked(grant: FacilityAccess) -> FacilityAccess:
    # The grant's row alone (OF self): the joined person would be locked too, grant before
    # person, where signing, hours and compliance_dates.refresh take the person first.
    return (
        FacilityAccess.objects.select_for_update(of=("self",))
        .select_related("person", "facility", "application")
        .get(pk=grant.pk)
    )


def _required(text: str, message: str) -> str:
    if not text.strip():
        raise VolunteerError(message)
    return text.strip()


def _audit(grant: FacilityAccess, by: Any, action: str, **details: Any) -> None:
    record(
        by=by,
        action=f"volunteers.{action}",
        target=grant,
        facility=grant.facility,
        details=details,
    )


def _mail(grant: FacilityAccess, template: str, **extra: str | date | None) -> None:
    """Tell the volunteer in plain words, once the move is committed; reasons stay with
    the staff (the event log), as a staff note does on an application. Labels and dates
    are written in the volunteer's language (dates in `extra` are formatted here)."""
    person = grant.person
    if not person.email:
        return
    language = rendered_language(person.preferred_language)
    with translation.override(language):
        context = {
            "name": person.first_name or person.full_name,
            "facility": grant.facility.name,
            "badge": grant.badge_number or "",
            "level": str(grant.get_level_in_effect_display()),
            "level_approved": str(AccessLevel(grant.level_approved).label),
            "expires_on": _day(grant.expires_on),
            "url": reverse("volunteers_portal:access"),
            **{
                name: _day(value) if isinstance(value, date) else (value or "")
                for name, value in extra.items()
            },
        }
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            to=[person.email], template=template, context=context, language=language
        )
    )


# Suspend and restore ---------------------------------------------------------------------


@transaction.atomic
def suspend_access(
    *, grant: FacilityAccess, by: Any, reason: str, review_on: date | None = None
) -> FacilityAccess:
    """Active → suspended, with the reason and an optional review date (the sweep puts it
    in the coordinators' digest that day)."""
    reason = _required(reason, _("Give the reason for the suspension."))
    if review_on is not None and review_on <= age.today():
        raise VolunteerError(_("The review date must be after today."))
    grant = _locked(grant)
    moved = move_access(
        grant=grant,
        to=AccessStatus.SUSPENDED,
        by=by,
        text=reason,
        kind=AccessEventKind.SUSPENDED,
        data={"review_on": review_on.isoformat() if review_on else None},
        review_on=review_on,
    )
    _audit(moved, by, "access_suspended", reason=reason, review_on=str(review_on or ""))
    _mail(moved, "access_suspended", review_on=review_on)
    return moved


def restore_problems(grant: FacilityAccess, on: date) -> list[str]:
    """What stands between a suspended grant and active again: the ban and the currency
    items activation checks."""
    problems = []
    if grant.status != AccessStatus.SUSPENDED:
        problems.append(_("Only suspended access can be restored."))
    return problems + currency_problems(grant, on)


@transaction.atomic
def restore_access(
    *, grant: FacilityAccess, by: Any, note: str = "", on: date | None = None
) -> FacilityAccess:
    """Suspended → active, when nothing activation checks is missing. Access that reached
    its expiry while suspended is restored and expires at once (renew it then)."""
    on = on or age.today()
    grant = _locked(grant)
    missing = restore_problems(grant, on)
    if missing:
        raise GateClosed(missing)
    moved = move_access(
        grant=grant,
        to=AccessStatus.ACTIVE,
        by=by,
        text=note.strip() or _("Restored."),
        kind=AccessEventKind.RESTORED,
        review_on=None,
    )
    if moved.expires_on is not None and moved.expires_on < on:
        moved = move_access(
            grant=moved,
            to=AccessStatus.EXPIRED,
            by=by,
            text=_("Expired while suspended: renew it to serve again."),
            kind=AccessEventKind.EXPIRED,
        )
    _audit(moved, by, "access_restored", status=moved.status)
    _mail(moved, "access_restored", expired=("yes" if moved.status == AccessStatus.EXPIRED else ""))
    return moved


# End and revoke --------------------------------------------------------------------------


def _badge_fields(
    grant: FacilityAccess, badge_returned: bool | None, badge_returned_on: date | None
) -> dict[str, Any]:
    """A grant with a badge records whether it came back (and when); one never activated
    has no badge to return."""
    if not grant.badge_number:
        return {}
    if badge_returned is None:
        raise VolunteerError(_("Say whether the badge was returned."))
    if badge_returned:
        if badge_returned_on is None:
            raise VolunteerError(_("Give the date the badge was returned."))
        if badge_returned_on > age.today():
            raise VolunteerError(_("The badge return date cannot be in the future."))
    return {
        "badge_returned": badge_returned,
        "badge_returned_on": badge_returned_on if badge_returned else None,
    }


@transaction.atomic
def end_access(
    *,
    grant: FacilityAccess,
    by: Any,
    exit_note: str,
    badge_returned: bool | None = None,
    badge_returned_on: date | None = None,
) -> FacilityAccess:
    """The volunteer left or the program ended: the grant ends and stays as history."""
    exit_note = _required(exit_note, _("Write the exit note: why the access ends."))
    grant = _locked(grant)
    fields = _badge_fields(grant, badge_returned, badge_returned_on)
    moved = move_access(
        grant=grant,
        to=AccessStatus.ENDED,
        by=by,
        text=exit_note,
        kind=AccessEventKind.ENDED,
        data={"badge_returned": fields.get("badge_returned")},
        exit_note=exit_note,
        review_on=None,
        **fields,
    )
    _audit(moved, by, "access_ended", badge_returned=fields.get("badge_returned"))
    _mail(moved, "access_ended")
    return moved


@transaction.atomic
def revoke_access(
    *,
    grant: FacilityAccess,
    by: Any,
    reason: str,
    ban: bool = False,
    badge_returned: bool | None = None,
    badge_returned_on: date | None = None,
) -> FacilityAccess:
    """Revoke for cause; with `ban`, also a statewide ban (the program capability)."""
    reason = _required(reason, _("Give the reason for the revocation."))
    if ban and not has_capability(by, Capability.PROGRAM):
        raise VolunteerError(_("Only the PIC Coordinator can ban statewide."))
    grant = _locked(grant)
    fields = {}
    if grant.badge_number and badge_returned is not None:
        fields = _badge_fields(grant, badge_returned, badge_returned_on)
    moved = move_access(
        grant=grant,
        to=AccessStatus.REVOKED,
        by=by,
        text=reason,
        kind=AccessEventKind.REVOKED,
        data={"ban": ban, "badge_returned": fields.get("badge_returned")},
        exit_note=reason,
        review_on=None,
        **fields,
    )
    if ban and standing_ban(moved.person) is None:
        ban_person(person=moved.person, by=by, reason=reason)
    _audit(moved, by, "access_revoked", reason=reason, ban=ban)
    _mail(moved, "access_revoked")
    return moved


# Background re-checks ----------------------------------------------------------------------


def _describe(check: AccessCheck) -> str:
    who = f" ({check.performed_by})" if check.performed_by else ""
    return f"{check}{who}"


def _check_event(grant: FacilityAccess, by: Any, text: str, **data: Any) -> FacilityAccess:
    return move_access(
        grant=grant,
        to=grant.status,
        by=by,
        text=text,
        kind=AccessEventKind.RECHECK_RECORDED,
        data=data,
    )


def _live(grant: FacilityAccess) -> FacilityAccess:
    grant = _locked(grant)
    if grant.status not in LIVE_ACCESS:
        raise VolunteerError(_("Checks are recorded on live access only."))
    return grant


def _new_check(
    grant: FacilityAccess,
    by: Any,
    *,
    check_type: str,
    run_on: date,
    outcome: str,
    performed_by: str,
    reference: str,
) -> AccessCheck:
    if check_type not in CheckType.values or outcome not in CheckOutcome.values:
        raise VolunteerError(_("Choose the type of check and its outcome."))
    if run_on > age.today():
        raise VolunteerError(_("A check cannot be run in the future."))
    performed_by = _required(performed_by, _("Say who ran the check (the agency or person)."))
    return AccessCheck.objects.create(
        access=grant,
        check_type=check_type,
        run_on=run_on,
        outcome=outcome,
        reference=reference.strip(),
        performed_by=performed_by,
        recorded_by=_user(by),
    )


@transaction.atomic
def record_recheck(
    *,
    grant: FacilityAccess,
    by: Any,
    check_type: str,
    run_on: date,
    outcome: str,
    performed_by: str,
    reference: str = "",
) -> AccessCheck:
    """A background re-check on the grant (renewal needs a cleared one). Audited."""
    grant = _live(grant)
    check = _new_check(
        grant,
        by,
        check_type=check_type,
        run_on=run_on,
        outcome=outcome,
        performed_by=performed_by,
        reference=reference,
    )
    _check_event(grant, by, _describe(check), check=check.pk, outcome=outcome, type=check_type)
    _audit(grant, by, "recheck_recorded", check=check.pk, type=check_type, outcome=outcome)
    _mail(grant, "access_recheck")
    return check


def _current_check(grant: FacilityAccess, check: AccessCheck) -> AccessCheck:
    locked = AccessCheck.objects.select_for_update().filter(access=grant, pk=check.pk).first()
    if locked is None:
        raise VolunteerError(_("That check is not on this access."))
    if locked.superseded_by_id is not None:
        raise VolunteerError(_("This check was already superseded by a re-run."))
    if locked.voided_at is not None:
        raise VolunteerError(_("This check was already voided."))
    return locked


@transaction.atomic
def rerun_recheck(
    *,
    grant: FacilityAccess,
    earlier: AccessCheck,
    by: Any,
    reason: str,
    run_on: date,
    outcome: str,
    performed_by: str,
    reference: str = "",
) -> AccessCheck:
    """A re-run of the same type that supersedes `earlier` (kept, marked superseded)."""
    reason = _required(reason, _("Give the reason the check was run again."))
    grant = _live(grant)
    earlier = _current_check(grant, earlier)
    if run_on < earlier.run_on:
        raise VolunteerError(_("The re-run must be later than the check it supersedes."))
    later = _new_check(
        grant,
        by,
        check_type=earlier.check_type,
        run_on=run_on,
        outcome=outcome,
        performed_by=performed_by,
        reference=reference,
    )
    earlier.superseded_by = later
    earlier.supersede_reason = reason
    earlier.save(update_fields=["superseded_by", "supersede_reason"])
    _check_event(
        grant,
        by,
        _("%(earlier)s superseded by the re-run %(later)s: %(reason)s")
        % {"earlier": _describe(earlier), "later": _describe(later), "reason": reason},
        check=later.pk,
        supersedes=earlier.pk,
        outcome=outcome,
        type=later.check_type,
    )
    _audit(grant, by, "recheck_superseded", check=earlier.pk, superseded_by=later.pk)
    _mail(grant, "access_recheck")
    return later


@transaction.atomic
def void_recheck(*, grant: FacilityAccess, check: AccessCheck, by: Any, reason: str) -> AccessCheck:
    """Void a check entered by mistake (kept, marked voided); enter it again anew."""
    reason = _required(reason, _("Give the reason for voiding this check."))
    grant = _live(grant)
    check = _current_check(grant, check)
    check.voided_at = timezone.now()
    check.voided_by = _user(by)
    check.void_reason = reason
    check.save(update_fields=["voided_at", "voided_by", "void_reason"])
    move_access(
        grant=grant,
        to=grant.status,
        by=by,
        text=_("%(check)s voided: %(reason)s") % {"check": _describe(check), "reason": reason},
        kind=AccessEventKind.NOTE,
        data={"voided_check": check.pk},
    )
    _audit(grant, by, "recheck_voided", check=check.pk)
    return check


# Renewal ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalCheck:
    """One item renewal relies on: its key (recorded on the event), label, and whether met."""

    key: str
    label: str
    met: bool
    missing: str  # what the refusal says when it is not met
    evidence: str = ""


def _background_item(grant: FacilityAccess, on: date) -> RenewalCheck:
    months = ProgramSettings.load().renewal_check_window_months
    since = add_months(on, -months)
    recent = [c for c in grant.checks.current() if since <= c.run_on <= on]
    cleared = [c for c in recent if c.outcome == CheckOutcome.CLEARED]
    pending = [c for c in recent if c.outcome != CheckOutcome.CLEARED]
    met = bool(cleared) and not pending
    if pending:
        missing = _("A background check within the last %(months)s months is not cleared.") % {
            "months": months
        }
    else:
        missing = _("A cleared background check within the last %(months)s months.") % {
            "months": months
        }
    latest = max(cleared, key=lambda c: (c.run_on, c.pk), default=None)
    return RenewalCheck(
        key="background_check",
        label=_("Background check"),
        met=met,
        missing=missing,
        evidence=f"{latest.pk}:{latest.run_on.isoformat()}" if latest else "",
    )


def renewal_checks(grant: FacilityAccess, on: date | None = None) -> list[RenewalCheck]:
    """Every item renewal relies on, met or not, in the order the refusal lists them."""
    on = on or age.today()
    items = {item.key: item for item in items_for(grant, on)}
    checks = [_background_item(grant, on)]
    prea = items.get(PREA_COURSE)
    if prea is not None:
        checks.append(
            RenewalCheck(
                key="prea",
                label=prea.label,
                met=prea.is_current(on),
                missing=_("%(item)s is not current.") % {"item": prea.label},
                evidence=prea.done_on.isoformat() if prea.done_on else "",
            )
        )
    for course in Course.objects.filter(is_active=True, annual_hours_required__isnull=False):
        item = items.get(course.code)
        if item is None:
            continue
        checks.append(
            RenewalCheck(
                key=course.code,
                label=item.label,
                met=item.done,
                missing=_("%(item)s: %(hours)s of %(required)s hours in the last 12 months.")
                % {"item": item.label, "hours": item.hours, "required": item.hours_required},
                evidence=str(item.hours),
            )
        )
    tb = items.get("tb")
    if tb is not None:
        checks.append(
            RenewalCheck(
                key="tb",
                label=tb.label,
                met=tb.is_current(on),
                missing=_("The TB test is not current."),
                evidence=tb.expires_on.isoformat() if tb.expires_on else "",
            )
        )
    unsigned = unsigned_current(grant.person, on)
    checks.append(
        RenewalCheck(
            key="agreements",
            label=_("Current agreements signed"),
            met=not unsigned,
            missing=_("Not signed: %(agreements)s.")
            % {"agreements": ", ".join(str(v.title) for v in unsigned)},
        )
    )
    checks.append(
        RenewalCheck(
            key="no_ban",
            label=_("No statewide ban"),
            met=standing_ban(grant.person) is None,
            missing=_("The person is under a statewide ban."),
        )
    )
    return checks


def renewal_opens_on(grant: FacilityAccess) -> date | None:
    return grant.expires_on - timedelta(days=RENEWAL_WINDOW_DAYS) if grant.expires_on else None


def renewal_problems(grant: FacilityAccess, on: date | None = None) -> list[str]:
    """Why the grant cannot be renewed on `on`: its status and window, then each missing
    item by name. Empty when it can."""
    on = on or age.today()
    problems = []
    if grant.status not in (AccessStatus.ACTIVE, AccessStatus.EXPIRED):
        problems.append(_("Only active or expired access can be renewed."))
    opens = renewal_opens_on(grant)
    if grant.status == AccessStatus.ACTIVE and opens is not None and on < opens:
        problems.append(
            _("Renewal opens on %(date)s, 60 days before the expiry.") % {"date": _day(opens)}
        )
    return problems + [check.missing for check in renewal_checks(grant, on) if not check.met]


def renewed_expiry(grant: FacilityAccess, on: date) -> date:
    """Renewed early, the new expiry runs from the old one; expired, from today."""
    months = ProgramSettings.load().access_validity_months
    if grant.status == AccessStatus.ACTIVE and grant.expires_on and grant.expires_on >= on:
        return add_months(grant.expires_on, months)
    return add_months(on, months)


@transaction.atomic
def renew_access(*, grant: FacilityAccess, by: Any, on: date | None = None) -> FacilityAccess:
    """A new expiry, when every item renewal relies on is met (refused naming each one
    missing); the event records what it relied on. An expired grant becomes active."""
    on = on or age.today()
    grant = _locked(grant)
    missing = renewal_problems(grant, on)
    if missing:
        raise GateClosed(missing)
    relied_on = {check.key: check.evidence or True for check in renewal_checks(grant, on)}
    expires_on = renewed_expiry(grant, on)
    fields: dict[str, Any] = {"expires_on": expires_on}
    if grant.status == AccessStatus.EXPIRED:
        fields["starts_on"] = grant.starts_on or on
    moved = move_access(
        grant=grant,
        to=AccessStatus.ACTIVE,
        by=by,
        text=_("Renewed until %(date)s.") % {"date": _day(expires_on)},
        kind=AccessEventKind.RENEWED,
        data={
            "relied_on": relied_on,
            "previous_expiry": grant.expires_on.isoformat() if grant.expires_on else None,
            "expires_on": expires_on.isoformat(),
        },
        **fields,
    )
    _audit(moved, by, "access_renewed", expires_on=expires_on.isoformat(), relied_on=relied_on)
    _mail(moved, "access_renewed")
    return moved


# Change level ----------------------------------------------------------------------------


@transaction.atomic
def change_level(
    *, grant: FacilityAccess, by: Any, level: str, reason: str, on: date | None = None
) -> FacilityAccess:
    """Lower to no contact at any time; raise only up to the level approved and only from
    the 19th birthday (the contact upgrade is the same rule, kept as its own decision)."""
    on = on or age.today()
    reason = _required(reason, _("Give the reason for the change of level."))
    if level not in AccessLevel.values:
        raise VolunteerError(_("Choose a level."))
    grant = _locked(grant)
    if grant.status not in (AccessStatus.ACTIVE, AccessStatus.SUSPENDED):
        raise VolunteerError(_("The level of active or suspended access can be changed."))
    current = grant.level_in_effect
    if level == current:
        raise VolunteerError(_("The access is already at this level."))
    fields: dict[str, Any] = {"level_effective": level}
    if level == AccessLevel.CONTACT:
        if grant.level_approved != AccessLevel.CONTACT:
            raise VolunteerError(_("Not above the level approved (no offender contact)."))
        born = grant.person.date_of_birth
        if born is None or age.age_on(born, on) < age.CONTACT_AGE:
            eligible = age.date_reaching(born, age.CONTACT_AGE) if born else None
            raise VolunteerError(
                _("Not before the 19th birthday (%(date)s).") % {"date": _day(eligible) or "?"}
            )
    # A deliberate lowering is not "waiting for the 19th birthday": off the ready list.
    fields["contact_eligible_on"] = None
    moved = move_access(
        grant=grant,
        to=grant.status,
        by=by,
        text=reason,
        kind=AccessEventKind.LEVEL_CHANGED,
        data={"from": current, "to": level},
        **fields,
    )
    _audit(moved, by, "level_changed", **{"from": current, "to": level, "reason": reason})
    _mail(moved, "access_level_changed")
    return moved


# Bulk on the roster ------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkRow:
    grant: FacilityAccess
    done: bool
    message: str


def bulk_move(
    *, grants: Iterable[FacilityAccess], move: Callable[[FacilityAccess], Any]
) -> list[BulkRow]:
    """Run `move` on each grant in its own transaction: one refusal does not undo the
    others. Each row says what happened to it."""
    rows = []
    for grant in grants:
        try:
            with transaction.atomic():
                moved = move(grant)
        except VolunteerError as exc:
            rows.append(BulkRow(grant=grant, done=False, message=str(exc)))
        else:
            message = _("Done: now %(status)s.") % {"status": moved.get_status_display()}
            rows.append(BulkRow(grant=grant, done=True, message=message))
    return rows
