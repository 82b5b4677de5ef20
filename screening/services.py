"""Screening writes: review, steps and checks, decisions through the status service,
grants, statewide bans, merging people, paper applications, coordinator accounts."""

import secrets
from datetime import date
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from applications import age
from applications import services as app_services
from applications.models import (
    AccessLevel,
    Application,
    ApplicationEvent,
    Channel,
    EventKind,
    Mover,
    Person,
    PossibleDuplicate,
    Relationship,
    Status,
)
from applications.services import ApplicationError, transition
from audit.services import record
from facilities.models import Facility
from facilities.services import assign_coordinator
from screening.models import (
    AccessEvent,
    AccessStatus,
    BackgroundCheck,
    Ban,
    CheckOutcome,
    Enrollment,
    FacilityAccess,
    ScreeningStep,
    StepKind,
    StepRequirement,
    StepState,
    TBTest,
    TrainingCompletion,
)


class ScreeningError(ApplicationError):
    """A screening action that cannot be taken; views show the message."""


class GateClosed(ScreeningError):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(_("Not yet: %(missing)s") % {"missing": "; ".join(missing)})
        self.missing = missing


def _label(by: Any) -> str:
    return str(getattr(by, "email", "") or by or "")


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


def _check_recordable(application: Application) -> None:
    if application.status not in (Status.IN_REVIEW, Status.INFO_REQUESTED):
        raise ScreeningError(_("Steps are recorded while the application is in review."))


def _step_event(step: ScreeningStep, by: Any, text: str) -> None:
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
    when it holds at least one check and every check is cleared."""
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    _check_recordable(step.application)
    if state not in (StepState.PASSED, StepState.FAILED, StepState.PENDING):
        raise ScreeningError(_("Choose passed, failed or pending."))
    if state == StepState.PASSED and step.step_kind == StepKind.BACKGROUND_CHECK:
        outcomes = list(step.checks.values_list("outcome", flat=True))
        if not outcomes or any(o != CheckOutcome.CLEARED for o in outcomes):
            raise ScreeningError(
                _("A background check passes only when every check on it is cleared.")
            )
    step.state = state
    step.occurred_on = occurred_on
    step.conducted_by = conducted_by
    step.note = note
    step.waive_reason = ""
    step.recorded_by = by if isinstance(by, User) else None
    step.recorded_at = timezone.now()
    step.save()
    _step_event(step, by, f"{step.get_step_kind_display()}: {step.get_state_display()}. {note}")
    return step


@transaction.atomic
def waive_step(*, step: ScreeningStep, by: Any, reason: str) -> ScreeningStep:
    """Waive a step (the decide capability); the reason is required."""
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    _check_recordable(step.application)
    if not reason.strip():
        raise ScreeningError(_("Give the reason for waiving this step."))
    step.state = StepState.WAIVED
    step.waive_reason = reason.strip()
    step.recorded_by = by if isinstance(by, User) else None
    step.recorded_at = timezone.now()
    step.save()
    _step_event(step, by, f"{step.get_step_kind_display()} waived: {reason}")
    record(
        by=by,
        action="screening.step_waived",
        target=step.application,
        facility=step.application.facility,
        details={"step": step.step_kind},
    )
    return step


@transaction.atomic
def add_background_check(
    *,
    step: ScreeningStep,
    by: Any,
    check_type: str,
    run_on: date,
    outcome: str,
    reference: str = "",
) -> BackgroundCheck:
    """Record one check's result on the background-check step; a check that is not cleared
    puts a passed step back to pending."""
    step = ScreeningStep.objects.select_for_update().select_related("application").get(pk=step.pk)
    _check_recordable(step.application)
    if step.step_kind != StepKind.BACKGROUND_CHECK:
        raise ScreeningError(_("Checks belong to the background-check step."))
    check = BackgroundCheck.objects.create(
        step=step,
        check_type=check_type,
        run_on=run_on,
        outcome=outcome,
        reference=reference,
        recorded_by=by if isinstance(by, User) else None,
    )
    if outcome != CheckOutcome.CLEARED and step.state == StepState.PASSED:
        step.state = StepState.PENDING
        step.save(update_fields=["state"])
    _step_event(step, by, str(check))
    return check


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


# Decisions ------------------------------------------------------------------------------


def standing_ban(person: Person) -> Ban | None:
    return Ban.objects.active().filter(person=person).first()


def approval_problems(application: Application, on: date | None = None) -> list[str]:
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
    if standing_ban(application.person):
        problems.append(_("The applicant is under a statewide ban."))
    unresolved = application.relationships.filter(facility=application.facility, exception_note="")
    for relationship in unresolved:
        problems.append(
            _("Relationship conflict not resolved: %(who)s.") % {"who": str(relationship)}
        )
    live = FacilityAccess.objects.live().filter(
        person=application.person, facility=application.facility
    )
    if live.exists():
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
        Application.objects.select_for_update()
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
    try:
        with transaction.atomic():
            grant = FacilityAccess.objects.create(
                person=moved.person,
                facility=moved.facility,
                application=moved,
                kind=moved.kind,
                level_approved=level,
            )
    except IntegrityError:
        # Another application of this person at this facility was approved at this moment.
        raise GateClosed(
            [_("The applicant already holds access at this facility: renew or change it.")]
        ) from None
    AccessEvent.objects.create(
        access=grant,
        actor=by if isinstance(by, User) else None,
        actor_label=_label(by),
        to_status=AccessStatus.PENDING_ACTIVATION,
        text=_("Created by approval of %(reference)s.") % {"reference": moved.reference},
    )
    record(
        by=by,
        action="screening.application_approved",
        target=moved,
        facility=moved.facility,
        details={"level": level},
    )
    transaction.on_commit(
        lambda: app_services.mail_applicant(
            moved, "application_approved", level=str(AccessLevel(level).label)
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
            moved, "application_declined", reason=str(DeclineReason(reason).label)
        )
    )
    return moved


# Bans -----------------------------------------------------------------------------------


@transaction.atomic
def ban_person(*, person: Person, by: Any, reason: str, banned_on: date | None = None) -> Ban:
    """Ban statewide (PIC Coordinator); audited. Refused when a ban already stands."""
    if not reason.strip():
        raise ScreeningError(_("Give the reason for the ban."))
    Person.objects.select_for_update().get(pk=person.pk)
    if standing_ban(person):
        raise ScreeningError(_("This person is already banned."))
    ban = Ban.objects.create(
        person=person,
        reason=reason.strip(),
        banned_on=banned_on or age.today(),
        banned_by=by if isinstance(by, User) else None,
    )
    record(by=by, action="screening.person_banned", target=person, details={"reason": reason})
    return ban


@transaction.atomic
def lift_ban(*, ban: Ban, by: Any, reason: str) -> Ban:
    if not reason.strip():
        raise ScreeningError(_("Give the reason for lifting the ban."))
    ban = Ban.objects.select_for_update().get(pk=ban.pk)
    if ban.lifted_at is not None:
        raise ScreeningError(_("This ban was already lifted."))
    ban.lifted_at = timezone.now()
    ban.lifted_by = by if isinstance(by, User) else None
    ban.lift_reason = reason.strip()
    ban.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record(by=by, action="screening.ban_lifted", target=ban.person, details={"reason": reason})
    return ban


# People ---------------------------------------------------------------------------------


def merge_problems(keep: Person, merge: Person) -> list[str]:
    problems = []
    if keep.pk == merge.pk:
        problems.append(_("Choose two different people."))
    if keep.user_id and merge.user_id:
        problems.append(_("Both people have their own sign-in; they cannot be merged here."))
    kept_live = set(
        Application.objects.live().filter(person=keep).values_list("facility_id", "kind")
    )
    merged_live = set(
        Application.objects.live().filter(person=merge).values_list("facility_id", "kind")
    )
    if kept_live & merged_live:
        problems.append(_("Both hold a live application of the same kind at the same facility."))
    kept_grants = set(
        FacilityAccess.objects.live().filter(person=keep).values_list("facility_id", flat=True)
    )
    merged_grants = set(
        FacilityAccess.objects.live().filter(person=merge).values_list("facility_id", flat=True)
    )
    if kept_grants & merged_grants:
        problems.append(_("Both hold live access at the same facility."))
    return problems


@transaction.atomic
def merge_people(*, keep: Person, merge: Person, by: Any) -> Person:
    """Move `merge`'s applications, grants, bans and login to `keep`, then delete `merge`."""
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    merge = Person.objects.select_for_update().get(pk=merge.pk)
    problems = merge_problems(keep, merge)
    if problems:
        raise ScreeningError(" ".join(problems))
    moved_applications = list(
        Application.objects.filter(person=merge).values_list("reference", flat=True)
    )
    Application.objects.filter(person=merge).update(person=keep)
    FacilityAccess.objects.filter(person=merge).update(person=keep)
    if standing_ban(merge) and standing_ban(keep):
        Ban.objects.active().filter(person=merge).update(
            lifted_at=timezone.now(), lift_reason=_("Merged into another person's ban.")
        )
    Ban.objects.filter(person=merge).update(person=keep)
    # Trainings, TB tests and sign-ups hang off the person: deleting `merge` would cascade.
    TrainingCompletion.objects.filter(person=merge).update(person=keep)
    TBTest.objects.filter(person=merge).update(person=keep)
    kept_sessions = Enrollment.objects.filter(person=keep).values("session")
    Enrollment.objects.filter(person=merge).exclude(session__in=kept_sessions).update(person=keep)
    for field in (
        "ssn_encrypted",
        "ssn_last4",
        "ssn_hash",
        "dl_number_encrypted",
        "dl_last4",
        "dl_hash",
        "dl_state",
        "email",
        "phone",
        "date_of_birth",
    ):
        if not getattr(keep, field) and getattr(merge, field):
            setattr(keep, field, getattr(merge, field))
    user = merge.user
    PossibleDuplicate.objects.involving(merge).delete()
    merge_label = str(merge)
    merge_id = str(merge.public_id)
    merge.delete()
    if user is not None and keep.user_id is None:
        keep.user = user
    keep.save()
    for application in Application.objects.filter(person=keep).exclude(status=Status.DRAFT):
        app_services.append_event(
            application,
            EventKind.NOTE,
            by=by,
            text=_("People merged: %(merged)s into %(kept)s.")
            % {"merged": merge_label, "kept": str(keep)},
        )
    record(
        by=by,
        action="screening.people_merged",
        target=keep,
        details={
            "merged": merge_id,
            "merged_label": merge_label,
            "applications": moved_applications,
        },
    )
    return keep


@transaction.atomic
def dismiss_duplicate(*, flag: PossibleDuplicate, by: Any) -> None:
    flag.dismissed_at = timezone.now()
    flag.dismissed_by = by if isinstance(by, User) else None
    flag.save(update_fields=["dismissed_at", "dismissed_by"])
    record(
        by=by,
        action="screening.duplicate_dismissed",
        target=flag.person,
        details={"other": str(flag.other.public_id)},
    )


# Paper applications ---------------------------------------------------------------------


@transaction.atomic
def enter_paper_application(
    *,
    by: Any,
    facility: Facility,
    kind: str,
    sections: dict[str, tuple[dict[str, Any], list[dict[str, Any]] | None]],
    scan: Any,
    scan_content_type: str,
    signed_on: date,
    school_letter: Any = None,
) -> Application:
    """Key in a signed paper application for a person without a login and submit it at once.

    `sections` maps each section slug to (cleaned answers, entries or None); a student
    intern's also comes with the school's letter (a checked upload).
    """
    from applications import sections as S

    identity, _entries = sections[S.IDENTITY]
    person = Person.objects.create(email=identity.get("email") or "")
    app_services.save_identity(person=person, cleaned=identity, by=by)
    application = Application.objects.create(
        person=person,
        facility=facility,
        kind=kind,
        channel=Channel.PAPER,
        entered_by=by if isinstance(by, User) else None,
    )
    for slug, (cleaned, entries) in sections.items():
        if slug != S.IDENTITY:
            app_services.save_section(
                application=application, slug=slug, cleaned=cleaned, entries=entries, by=by
            )
    app_services.add_document(
        application=application,
        kind="paper_scan",
        upload=scan,
        content_type=scan_content_type,
        by=by,
    )
    if school_letter is not None:
        app_services.add_document(
            application=application,
            kind="school_letter",
            upload=school_letter,
            content_type=school_letter.sniffed_content_type,
            by=by,
        )
    submitted = app_services.submit_application(application=application, by=by, on_behalf=True)
    submitted.signed_on = signed_on  # the date on the paper, not the day it was keyed in
    submitted.save(update_fields=["signed_on"])
    record(by=by, action="screening.paper_application_entered", target=submitted, facility=facility)
    return submitted


# Coordinators ---------------------------------------------------------------------------


@transaction.atomic
def add_coordinator(
    *,
    by: Any,
    facility: Facility,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    is_listed: bool = False,
    public_title: str = "",
    public_phone: str = "",
    public_email: str = "",
    set_password_base: str = "",
) -> User:
    """Give a role at `facility`, creating the staff account if needed and e-mailing it a
    one-time link to set its password (Django's password-reset tokens)."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name)
        # Usable, random and known to nobody: the e-mailed link sets the real one.
        user.set_password(secrets.token_urlsafe(40))
        user.save()
        record(by=by, action="accounts.staff_account_created", target=user, facility=facility)
    elif not user.has_usable_password():
        raise ScreeningError(
            _("This address belongs to an applicant's account; use a work address instead.")
        )
    assign_coordinator(
        by=by,
        user=user,
        facility=facility,
        role=role,
        is_listed=is_listed,
        public_title=public_title,
        public_phone=public_phone,
        public_email=public_email,
    )
    if created:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("staff:password_set", args=[uid, token])
        transaction.on_commit(
            lambda: send_templated_email.enqueue(
                to=[user.email],
                template="coordinator_welcome",
                context={"facility": facility.name, "role": role, "path": path},
            )
        )
    return user


def people_with_open_duplicates() -> Q:
    """A filter for applications whose person has an open possible-duplicate flag."""
    flagged = PossibleDuplicate.objects.open()
    return Q(person__in=flagged.values("person")) | Q(person__in=flagged.values("other"))
