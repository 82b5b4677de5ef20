"""The applicant's moves: submit, withdraw, information requests and answers."""

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import ratelimit
from accounts.languages import rendered_language
from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from applications import age
from applications import sections as S
from applications.models import (
    Application,
    Channel,
    EventKind,
    InformationRequest,
    Kind,
    Language,
    Mover,
    Status,
)
from applications.services.checks import (
    completeness,
    compute_flags,
    contact_eligibility_notice,
    next_reference,
)
from applications.services.drafts import PENDING
from applications.services.errors import (
    ApplicationError,
    IllegalMove,
    Incomplete,
    TooManySubmits,
    TooYoung,
)
from applications.services.people import flag_possible_duplicates
from applications.services.status import append_event, transition
from audit.context import current_ip
from facilities.models import Facility, Membership
from partners.models import OrganizationKind
from partners.services import find_or_create_unverified


def _coordinator_emails(facility: Facility) -> list[str]:
    return sorted(
        Membership.objects.filter(facility=facility, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def mail_applicant(application: Application, template: str, **context: Any) -> None:
    """E-mail the applicant in their language. The labels in `context` (lazy choice labels
    such as `AccessLevel(level).label`) are written out in that language too, not in the
    language of the staff page that made the move."""
    person = application.person
    if not person.email:
        return  # a paper applicant without e-mail: staff tell them by other means
    language = rendered_language(person.preferred_language)
    with translation.override(language):
        values = {
            "name": person.first_name or person.full_name,
            "reference": application.reference or "",
            "facility": application.facility.name,
            "kind": str(application.get_kind_display()),
            "status": str(application.get_status_display()),
            "url": reverse("applications:detail", args=[application.public_id]),
            **{name: str(value) for name, value in context.items()},
        }
    send_templated_email.enqueue(
        to=[person.email], template=template, context=values, language=language
    )


def _name_new_organization(application: Application, *, by: Any) -> None:
    """An organization named rather than chosen joins the registry, unverified, for the PIC
    Coordinator to verify or merge (an existing one of that name is reused)."""
    answers = application.answers.get(S.ORGANISATION, {})
    if application.organization_id is not None or "organization" not in answers:
        return
    if application.kind == Kind.STUDENT_INTERN:
        name, kind = answers.get("school", ""), OrganizationKind.SCHOOL
    else:
        name, kind = answers.get("organisation_name", ""), answers.get("organisation_type", "")
    if name and kind in OrganizationKind.values:
        application.organization = find_or_create_unverified(name=name, kind=kind, by=by)


SUBMITS_PER_ADDRESS = 10
SUBMITS_PER_IP = 30
SUBMIT_WINDOW_SECONDS = 60 * 60


def _limit_submits(email: str) -> None:
    """An applicant's own submits, per e-mail address and per client address (a script
    filing applications in bulk); staff entering paper applications are not limited."""
    email, ip = normalize_email(email), current_ip.get() or ""
    if not email and not ip:
        return
    if ratelimit.is_limited("submit_email", email, limit=SUBMITS_PER_ADDRESS) or (
        ip and ratelimit.is_limited("submit_ip", ip, limit=SUBMITS_PER_IP)
    ):
        raise TooManySubmits()
    if email:
        ratelimit.hit("submit_email", email, window_seconds=SUBMIT_WINDOW_SECONDS)
    if ip:
        ratelimit.hit("submit_ip", ip, window_seconds=SUBMIT_WINDOW_SECONDS)


def _signed_language(language: str) -> str:
    """The language code recorded for a signature: one the form was really shown in."""
    code = rendered_language(language or None)
    return code if code in Language.values else Language.ENGLISH


@transaction.atomic
def submit_application(
    *,
    application: Application,
    by: Any,
    on_behalf: bool = False,
    now: Any = None,
    language: str = "",
) -> Application:
    """Freeze the answers, give the reference number, compute the flags, move to submitted.
    `language` is the one the applicant read the form in as they signed (online only).

    A second submit of the same application (a double click) changes nothing. Mails the
    applicant and the facility's coordinators once, on commit.
    """
    # Lock the application row only: a join locks every joined row too, and a submitter
    # holding its person row while it flags (references) the others' people deadlocks
    # against them. Then the reference counter, then the duplicate keys, in that order.
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "facility")
        .get(pk=application.pk)
    )
    if locked.status != Status.DRAFT:
        if locked.reference:
            return locked  # already submitted: one move, one reference, one e-mail
        raise IllegalMove(locked, Status.SUBMITTED)
    if not on_behalf:
        _limit_submits(locked.person.email)
    problems = completeness(locked)
    if problems:
        raise Incomplete(problems)
    moment = now or timezone.now()
    today = age.today(moment)
    born = locked.person.date_of_birth
    assert born is not None  # identity is complete
    if age.age_on(born, today) < age.VOLUNTEER_AGE:
        raise TooYoung(age.date_reaching(born, age.VOLUNTEER_AGE))
    locked.answers[S.IDENTITY] = S.identity_values(locked.person)
    locked.answers.pop(PENDING, None)
    locked.reference = next_reference(today.year)
    locked.signed_on = today
    locked.signed_language = "" if on_behalf else _signed_language(language)
    locked.submitted_at = moment
    _name_new_organization(locked, by=by)
    compute_flags(locked, today)
    locked.save()
    flag_possible_duplicates(person=locked.person)
    moved = transition(
        application=locked,
        to=Status.SUBMITTED,
        by=by,
        mover=Mover.APPLICANT,
        on_behalf=on_behalf,
        text=_("Application submitted."),
    )
    eligible = contact_eligibility_notice(moved, today)
    transaction.on_commit(
        lambda: mail_applicant(
            moved,
            "application_submitted",
            contact_eligible_on=eligible.isoformat() if eligible else "",
        )
    )
    _mail_coordinators(moved, "new_application", channel=str(Channel(moved.channel).label))
    return moved


def _mail_coordinators(application: Application, template: str, **context: Any) -> None:
    """Tell the facility's coordinators, on commit. The e-mail names the application, never
    the applicant's answers: those are read after signing in."""
    coordinators = _coordinator_emails(application.facility)
    if not coordinators:
        return
    context = {
        "reference": application.reference,
        "kind": str(application.get_kind_display()),
        "facility": application.facility.name,
        **context,
    }
    transaction.on_commit(
        lambda: send_templated_email.enqueue(to=coordinators, template=template, context=context)
    )


@transaction.atomic
def withdraw_application(
    *, application: Application, by: Any, on_behalf: bool = False, reason: str = ""
) -> Application:
    """The applicant (or staff on their behalf) withdraws; the record stays. Staff's account
    of the request is a staff note; the applicant's own reason is theirs to see."""
    moved = transition(
        application=application,
        to=Status.WITHDRAWN,
        by=by,
        mover=Mover.APPLICANT,
        on_behalf=on_behalf,
        text=(reason if not on_behalf else "") or _("Application withdrawn."),
    )
    if on_behalf and reason.strip():
        append_event(moved, EventKind.NOTE, by=by, text=reason.strip(), on_behalf=True)
    # Coordinators learn of the applicant's own withdrawal of a submitted application; a
    # draft was never theirs to see, and staff withdrawing on behalf already know.
    if moved.reference and not on_behalf:
        _mail_coordinators(moved, "application_withdrawn")
    return moved


@transaction.atomic
def request_information(
    *, application: Application, by: Any, message: str, sections: list[str], due_on: date
) -> InformationRequest:
    """Ask the applicant for more: reopen `sections` until `due_on`; e-mail them on commit."""
    unknown = set(sections) - set(S.REOPENABLE)
    if not sections or unknown:
        raise ApplicationError(_("Choose the sections the applicant should revise."))
    moved = transition(
        application=application,
        to=Status.INFO_REQUESTED,
        by=by,
        mover=Mover.RECORD,
        data={"sections": sections, "due_on": due_on.isoformat()},
    )
    request = InformationRequest.objects.create(
        application=moved,
        message=message,
        sections=sections,
        due_on=due_on,
        requested_by=by if isinstance(by, User) else None,
        answers_before=_section_state(moved, sections),
    )
    append_event(
        moved,
        EventKind.INFO_REQUESTED,
        by=by,
        text=message,
        visible=True,
        data={"sections": sections, "due_on": due_on.isoformat()},
    )
    transaction.on_commit(
        lambda: mail_applicant(
            moved, "information_requested", message=message, due_on=due_on.isoformat()
        )
    )
    return request


def _section_state(application: Application, slugs: list[str]) -> dict[str, Any]:
    """Sections' answers and entries as plain values, to compare before and after."""
    state: dict[str, Any] = {}
    for slug in slugs:
        values = S.section_values(application, slug)
        if slug == S.IDENTITY:
            values = S.identity_values(application.person)
        _labels, rows = S.entry_rows(application, slug)
        state[slug] = {"answers": values, "entries": rows}
        if slug == S.DOCUMENTS:
            state[slug]["entries"] = sorted(str(d) for d in application.documents.all())
    return state


@transaction.atomic
def answer_information_request(
    *,
    application: Application,
    by: Any,
    on_behalf: bool = False,
    now: Any = None,
    language: str = "",
) -> Application:
    """Re-sign the reopened sections, record what changed, recompute flags, back to review.
    An applicant's own answer is signed in `language`; staff keying in a paper answer leave
    the signed language as it was."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=application.pk)
    )
    request = locked.open_information_request
    if request is None:
        raise IllegalMove(locked, Status.IN_REVIEW)
    # Staff answering for a paper applicant record what the applicant said; they cannot
    # sign for them.
    signature = [] if on_behalf else [S.ACKNOWLEDGEMENTS]
    problems = completeness(locked, [*request.sections, *signature])
    if problems:
        raise Incomplete(problems)
    today = age.today(now)
    after = _section_state(locked, request.sections)
    changes = {
        slug: {"before": request.answers_before.get(slug), "after": after[slug]}
        for slug in request.sections
        if request.answers_before.get(slug) != after[slug]
    }
    if S.IDENTITY in request.sections:
        locked.answers[S.IDENTITY] = S.identity_values(locked.person)
    locked.revised_on = today
    locked.signed_on = today
    if not on_behalf:
        locked.signed_language = _signed_language(language)
    compute_flags(locked, today)
    locked.save()
    request.answered_at = timezone.now()
    request.answered_by = by if isinstance(by, User) else None
    request.save(update_fields=["answered_at", "answered_by"])
    changed_titles = [str(s.title) for s in S.sections_for(locked.kind) if s.slug in changes]
    summary = (
        _("Revised: %(sections)s.") % {"sections": ", ".join(changed_titles)}
        if changed_titles
        else _("Answered without changes.")
    )
    append_event(
        locked,
        EventKind.INFO_ANSWERED,
        by=by,
        text=summary,
        visible=True,
        on_behalf=on_behalf,
        data={"changes": changes},
    )
    moved = transition(
        application=locked,
        to=Status.IN_REVIEW,
        by=by,
        mover=Mover.APPLICANT,
        on_behalf=on_behalf,
        text=_("Information provided; back in review."),
    )
    if not on_behalf:  # staff who keyed in the answer already know
        _mail_coordinators(moved, "information_answered", changed=", ".join(changed_titles))
    return moved
