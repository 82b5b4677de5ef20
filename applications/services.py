"""Every write to people and applications. `transition()` is the only writer of status."""

import re
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import ratelimit, tokens
from accounts.models import User, normalize_email
from accounts.tasks import send_templated_email
from applications import age, crypto
from applications import sections as S
from applications.forms import REQUIRED_DOCUMENTS, AcknowledgementsForm
from applications.models import (
    ALSO_BY_RECORD,
    TRANSITIONS,
    AccessLevel,
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Channel,
    CriminalHistoryEntry,
    DocumentKind,
    DuplicateReason,
    EventKind,
    InformationRequest,
    Mover,
    Person,
    PossibleDuplicate,
    ReferenceCounter,
    Relationship,
    Status,
)
from audit.context import current_ip
from audit.services import record
from facilities.models import Facility, Membership

PENDING = "_pending"


class ApplicationError(Exception):
    """A domain refusal; views turn it into a message or a form error."""


class AlreadyLive(ApplicationError):
    def __init__(self, existing: Application) -> None:
        super().__init__(_("You already have an application of this kind at this facility."))
        self.existing = existing


class IllegalMove(ApplicationError):
    def __init__(self, application: Application, to: str) -> None:
        last = application.events.filter(kind=EventKind.STATUS).order_by("-at", "-pk").first()
        if last is not None and last.to_status == application.status:
            message = _(
                "This application was already moved to “%(status)s” by %(who)s at %(when)s."
            )
            message %= {
                "status": application.get_status_display(),
                "who": last.actor_label or _("the system"),
                "when": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M"),
            }
        else:
            message = _("An application that is “%(status)s” cannot be moved to “%(to)s”.") % {
                "status": application.get_status_display(),
                "to": Status(to).label,
            }
        super().__init__(message)
        self.application = application


class NotEditable(ApplicationError):
    pass


class Incomplete(ApplicationError):
    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__(_("Some answers are missing or need correcting."))
        self.problems = problems


class TooYoung(ApplicationError):
    def __init__(self, eligible_on: date) -> None:
        super().__init__(
            _("You must be 18 to apply. You may submit this application from %(date)s.")
            % {"date": eligible_on.strftime("%B %-d, %Y")}
        )
        self.eligible_on = eligible_on


def _actor_label(by: Any) -> str:
    if isinstance(by, User):
        return str(by.email)
    return str(by or "")


# Sign-in by e-mailed link -------------------------------------------------------------

LINKS_PER_ADDRESS = 5
LINKS_PER_IP = 30
LINK_WINDOW_SECONDS = 15 * 60


class SignInRefused(ApplicationError):
    pass


def request_sign_in_link(*, email: str, next_url: str, link_base: str) -> None:
    """E-mail a one-time sign-in link to `email`, unless it is a staff account.

    Answers the same whether or not the address is known; rate-limited per address and
    per client address through the (shared) cache.
    """
    email = normalize_email(email)
    ip = current_ip.get() or ""
    if ratelimit.is_limited("sign_in_link_email", email, limit=LINKS_PER_ADDRESS) or (
        ip and ratelimit.is_limited("sign_in_link_ip", ip, limit=LINKS_PER_IP)
    ):
        raise SignInRefused(
            _("Too many sign-in links were asked for. Wait 15 minutes and try again.")
        )
    ratelimit.hit("sign_in_link_email", email, window_seconds=LINK_WINDOW_SECONDS)
    if ip:
        ratelimit.hit("sign_in_link_ip", ip, window_seconds=LINK_WINDOW_SECONDS)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (user.has_usable_password() or not user.is_active):
        record(by=None, action="auth.sign_in_link_refused", target=email)
        return
    raw = tokens.issue_token(email=email, next_url=next_url)
    person = Person.objects.filter(email__iexact=email).order_by("-pk").first()
    language = person.preferred_language if person else (translation.get_language() or "en")
    transaction.on_commit(
        lambda: send_templated_email.enqueue(
            to=[email],
            template="sign_in_link",
            context={"link": f"{link_base}{raw}/"},
            language=language[:2],
        )
    )


@transaction.atomic
def sign_in_with_token(*, raw: str) -> tuple[User, str]:
    """Spend a sign-in link: the applicant login for its address (made on first use) and
    where to go next. Refused for staff accounts, which sign in only with their password."""
    token = tokens.redeem_token(raw)
    if token is None:
        raise SignInRefused(
            _("This sign-in link has expired or was already used. Ask for a new one.")
        )
    user = User.objects.filter(email__iexact=token.email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=token.email)
        except IntegrityError:  # the same address signed in twice at once
            user = User.objects.get(email__iexact=token.email)
    if user.has_usable_password() or not user.is_active:
        record(by=None, action="auth.sign_in_link_refused", target=token.email)
        raise SignInRefused(
            _("This account cannot sign in with an e-mailed link. Staff use the staff sign-in.")
        )
    person_for_login(user=user)
    return user, token.next_url


# People ---------------------------------------------------------------------------------


@transaction.atomic
def person_for_login(*, user: User) -> Person:
    """The person behind an applicant login: linked on first sign-in (a paper applicant with
    exactly this e-mail and no login yet is linked), or created."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    paper = (
        Person.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=user.email)
        .order_by("pk")
        .first()
    )
    if paper is not None:
        paper.user = user
        paper.save(update_fields=["user", "updated_at"])
        record(by=user, action="applications.login_linked_to_person", target=paper)
        return paper
    return Person.objects.create(user=user, email=user.email)


@transaction.atomic
def save_identity(*, person: Person, cleaned: dict[str, Any], by: Any) -> Person:
    """Write section 1 to the person; identifiers are encrypted, and kept when left empty."""
    for name in S.IDENTITY_PERSON_FIELDS:
        setattr(person, name, cleaned.get(name, getattr(person, name)))
    if cleaned.get("ssn"):
        ssn = crypto.normalize_identifier(cleaned["ssn"])
        person.ssn_encrypted = crypto.encrypt(ssn)
        person.ssn_last4 = ssn[-4:]
        person.ssn_hash = crypto.identifier_hash("ssn", ssn)
    if cleaned.get("dl_number"):
        number = crypto.normalize_identifier(cleaned["dl_number"])
        person.dl_number_encrypted = crypto.encrypt(number)
        person.dl_last4 = number[-4:]
        person.dl_hash = crypto.identifier_hash(f"dl:{person.dl_state}", number)
    person.save()
    return person


def _normalized_name(person: Person) -> str:
    return re.sub(r"[^a-z]", "", f"{person.first_name}{person.last_name}".lower())


def _contradicts(a: str, b: str) -> bool:
    return bool(a and b and a != b)


@transaction.atomic
def flag_possible_duplicates(*, person: Person) -> list[PossibleDuplicate]:
    """Flag people who may be `person` (DESIGN: Vocabulary, Person); never merge."""
    found: dict[int, str] = {}
    others = Person.objects.exclude(pk=person.pk)
    if person.ssn_hash:
        for pk in others.filter(ssn_hash=person.ssn_hash).values_list("pk", flat=True):
            found.setdefault(pk, DuplicateReason.SSN)
    if person.dl_hash:
        for pk in others.filter(dl_hash=person.dl_hash).values_list("pk", flat=True):
            found.setdefault(pk, DuplicateReason.DRIVER_LICENCE)
    name = _normalized_name(person)
    if person.date_of_birth and name:
        for other in others.filter(date_of_birth=person.date_of_birth):
            if _normalized_name(other) != name:
                continue
            if _contradicts(person.ssn_hash, other.ssn_hash) or _contradicts(
                person.dl_hash, other.dl_hash
            ):
                continue
            found.setdefault(other.pk, DuplicateReason.NAME_AND_BIRTH)
    flags = []
    for other_pk, reason in found.items():
        low, high = sorted([person.pk, other_pk])
        flag, _created = PossibleDuplicate.objects.get_or_create(
            person_id=low, other_id=high, defaults={"reason": reason}
        )
        flags.append(flag)
    return flags


# Drafts ---------------------------------------------------------------------------------


def start_application(*, by: Any, person: Person, facility: Facility, kind: str) -> Application:
    """Create a draft; refused with the existing one when a live application is there."""
    existing = Application.objects.live().filter(person=person, facility=facility, kind=kind)
    if (found := existing.first()) is not None:
        raise AlreadyLive(found)
    if not facility.is_open:
        raise ApplicationError(_("This facility is closed and takes no applications."))
    try:
        with transaction.atomic():
            return Application.objects.create(person=person, facility=facility, kind=kind)
    except IntegrityError:
        # Two tabs started it at once: the partial unique constraint let one through.
        found = existing.first()
        if found is None:
            raise
        raise AlreadyLive(found) from None


def editable_sections(application: Application) -> list[str]:
    """Which sections the applicant may change now: all of a draft, or what was reopened."""
    if application.status == Status.DRAFT:
        return list(S.SLUGS)
    request = application.open_information_request
    if request is not None:
        return [*request.sections, S.ACKNOWLEDGEMENTS]
    return []


def _check_editable(application: Application, slug: str) -> None:
    if slug not in editable_sections(application):
        raise NotEditable(_("This part of the application cannot be changed now."))


@transaction.atomic
def save_section(
    *,
    application: Application,
    slug: str,
    cleaned: dict[str, Any],
    entries: list[dict[str, Any]] | None = None,
    by: Any,
) -> Application:
    """Store a section's valid answers (and its repeatable entries); identity goes to the person."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_editable(application, slug)
    if slug == S.IDENTITY:
        save_identity(person=application.person, cleaned=cleaned, by=by)
    else:
        stored = S.to_json(cleaned)
        if slug == S.ACKNOWLEDGEMENTS:
            application.signature_name = stored["signature_name"]
            request = application.open_information_request
            # Answering a request needs a signature given for that request.
            stored["for_request"] = request.pk if request is not None else None
        application.answers[slug] = stored
    if slug == S.PLACEMENT:
        application.access_level_requested = cleaned["access_level_requested"]
        application.program_area = cleaned["program_area"]
    if entries is not None:
        _replace_entries(application, slug, entries)
    application.answers.get(PENDING, {}).pop(slug, None)
    application.last_section = slug
    application.save()
    return application


def _replace_entries(application: Application, slug: str, entries: list[dict[str, Any]]) -> None:
    fields = S.ENTRY_FIELDS[slug]
    rows = [{f: e.get(f) for f in fields} for e in entries]
    if slug == S.CRIMINAL_HISTORY:
        CriminalHistoryEntry.objects.filter(application=application).delete()
        CriminalHistoryEntry.objects.bulk_create(
            [CriminalHistoryEntry(application=application, **row) for row in rows]
        )
    else:
        Relationship.objects.filter(application=application).delete()
        Relationship.objects.bulk_create(
            [Relationship(application=application, **row) for row in rows]
        )


@transaction.atomic
def save_pending(*, application: Application, slug: str, raw: dict[str, list[str]]) -> None:
    """Keep answers that did not validate yet, exactly as typed, so nothing is lost."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_editable(application, slug)
    # Identifiers are never stored as typed: they are encrypted only once valid.
    secret = {"ssn", "dl_number"} if slug == S.IDENTITY else set()
    secret |= {"csrfmiddlewaretoken", "action"}
    # PostgreSQL cannot store U+0000 (no browser sends it): it is dropped, never a 500.
    application.answers.setdefault(PENDING, {})[slug] = {
        key: [value.replace("\x00", "") for value in values]
        for key, values in raw.items()
        if key not in secret and "\x00" not in key
    }
    application.last_section = slug
    application.save(update_fields=["answers", "last_section", "updated_at"])


def pending_data(application: Application, slug: str) -> dict[str, list[str]] | None:
    return application.answers.get(PENDING, {}).get(slug)


@transaction.atomic
def add_document(
    *, application: Application, kind: str, upload: UploadedFile, content_type: str, by: Any
) -> ApplicationDocument:
    if kind != DocumentKind.PAPER_SCAN:
        _check_editable(application, S.DOCUMENTS)
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=(upload.name or "upload")[-200:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by if isinstance(by, User) else None,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    if application.status != Status.DRAFT:
        append_event(
            application,
            EventKind.DOCUMENT,
            by=by,
            text=str(document),
            visible=False,
        )
    return document


@transaction.atomic
def remove_document(*, document: ApplicationDocument, by: Any) -> None:
    _check_editable(document.application, S.DOCUMENTS)
    document.file.delete(save=False)
    document.delete()


# Completeness and flags -----------------------------------------------------------------


def section_problems(application: Application, slug: str) -> list[str]:
    """Why a section is not ready to submit (empty when it is)."""
    if pending_data(application, slug):
        return [_("Some answers here need correcting.")]
    sect = S.section(application.kind, slug)
    assert sect is not None
    problems: list[str] = []
    form_class = sect.form_class(application.kind)
    if slug == S.ACKNOWLEDGEMENTS:
        return _signature_problems(application)
    if form_class is not None:
        values = S.section_values(application, slug)
        if slug == S.IDENTITY:
            values = {**values, "ssn": "", "dl_number": ""}
        elif slug not in application.answers:
            return [_("Not answered yet.")]
        form = form_class(data=S.to_form_data(form_class, values), kind=application.kind)
        if slug == S.IDENTITY and application.channel == Channel.PAPER:
            form.fields["email"].required = False  # a paper applicant may have no e-mail
        if not form.is_valid():
            problems += [
                f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
                if name in form.fields
                else " ".join(str(e) for e in errors)
                for name, errors in form.errors.items()
            ]
    answers = application.answers.get(slug, {})
    history_missing = (
        slug == S.CRIMINAL_HISTORY
        and answers.get("has_record") == "yes"
        and not application.criminal_history_entries.exists()
    )
    if history_missing:
        problems.append(_("List each arrest, charge or conviction."))
    relations_missing = (
        slug == S.RELATIONSHIPS
        and answers.get("has_relationships") == "yes"
        and not application.relationships.exists()
    )
    if relations_missing:
        problems.append(_("List each person under supervision you know."))
    if slug == S.DOCUMENTS:
        present = set(application.documents.values_list("kind", flat=True))
        for kind in REQUIRED_DOCUMENTS.get(application.kind, []):
            if kind not in present:
                problems.append(
                    _("Upload the %(document)s.")
                    % {"document": str(DocumentKind(kind).label).lower()}
                )
    return problems


def _signature_problems(application: Application) -> list[str]:
    """Signed, by the name now in section 1, and again for an open information request."""
    signed = application.answers.get(S.ACKNOWLEDGEMENTS)
    if not signed:
        return [_("Not signed yet.")]
    request = application.open_information_request
    if request is not None and signed.get("for_request") != request.pk:
        return [_("Sign again: tick the statements and type your name for this answer.")]
    form = AcknowledgementsForm(
        data=S.to_form_data(AcknowledgementsForm, signed), person=application.person
    )
    if not form.is_valid():
        return [" ".join(str(e) for errors in form.errors.values() for e in errors)]
    return []


def completeness(application: Application, slugs: list[str] | None = None) -> dict[str, list[str]]:
    """Problems per section slug; an empty dict means ready."""
    result = {}
    for slug in slugs or S.SLUGS:
        problems = section_problems(application, slug)
        if problems:
            result[slug] = problems
    return result


def contact_eligibility_notice(application: Application, on: date) -> date | None:
    """The date contact eligibility begins, when contact is requested by someone under 19."""
    born = application.person.date_of_birth
    if application.access_level_requested != AccessLevel.CONTACT or born is None:
        return None
    if age.age_on(born, on) >= age.CONTACT_AGE:
        return None
    return age.date_reaching(born, age.CONTACT_AGE)


def _compute_flags(application: Application, on: date) -> None:
    history = application.answers.get(S.CRIMINAL_HISTORY, {})
    application.flag_contact_under_19 = contact_eligibility_notice(application, on) is not None
    application.flag_relationship_conflict = application.relationships.filter(
        facility=application.facility
    ).exists()
    application.flag_criminal_history = history.get("has_record") == "yes"
    application.flag_pending_or_supervision = "yes" in (
        history.get("pending_charges"),
        history.get("on_supervision"),
    )


def _next_reference(year: int) -> str:
    """PIC-<year>-<6 digits>: sequential per year, never reused; the counter row is locked."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PIC-{year}-{counter.last:06d}"


# Status moves ---------------------------------------------------------------------------


def append_event(
    application: Application,
    kind: str,
    *,
    by: Any,
    text: str = "",
    visible: bool = False,
    on_behalf: bool = False,
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=by if isinstance(by, User) else None,
        actor_label=_actor_label(by),
        on_behalf_of_applicant=on_behalf,
        from_status=from_status,
        to_status=to_status,
        text=text,
        is_visible_to_applicant=visible,
        data=data or {},
    )


def transition(
    *,
    application: Application,
    to: str,
    by: Any,
    mover: str,
    text: str = "",
    on_behalf: bool = False,
    visible: bool = True,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Application:
    """Move an application to `to`: lock the row, refuse illegal moves, append the event.

    `mover` says in what capacity (`Mover`); `fields` are saved with the move (e.g. the
    decline reason). Must run inside a transaction; the caller defers notifications.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    allowed = TRANSITIONS.get(locked.status, {}).get(to)
    if allowed is None or (
        allowed != mover and not (mover == Mover.RECORD and (locked.status, to) in ALSO_BY_RECORD)
    ):
        raise IllegalMove(locked, to)
    from_status = locked.status
    now = timezone.now()
    locked.status = to
    locked.status_changed_at = now
    if to in (Status.APPROVED, Status.DECLINED):
        locked.decided_at = now
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "status_changed_at", "decided_at", "updated_at", *fields])
    append_event(
        locked,
        EventKind.STATUS,
        by=by,
        text=text,
        visible=visible,
        on_behalf=on_behalf,
        from_status=from_status,
        to_status=to,
        data=data,
    )
    return locked


def _coordinator_emails(facility: Facility) -> list[str]:
    return sorted(
        Membership.objects.filter(facility=facility, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def mail_applicant(application: Application, template: str, **context: Any) -> None:
    person = application.person
    if not person.email:
        return  # a paper applicant without e-mail: staff tell them by other means
    send_templated_email.enqueue(
        to=[person.email],
        template=template,
        context={
            "name": person.first_name or person.full_name,
            "reference": application.reference or "",
            "facility": application.facility.name,
            "kind": str(application.get_kind_display()),
            "status": str(application.get_status_display()),
            "url": reverse("applications:detail", args=[application.public_id]),
            **context,
        },
        language=person.preferred_language,
    )


@transaction.atomic
def submit_application(
    *, application: Application, by: Any, on_behalf: bool = False, now: Any = None
) -> Application:
    """Freeze the answers, give the reference number, compute the flags, move to submitted.

    A second submit of the same application (a double click) changes nothing. Mails the
    applicant and the facility's coordinators once, on commit.
    """
    locked = (
        Application.objects.select_for_update()
        .select_related("person", "facility")
        .get(pk=application.pk)
    )
    if locked.status != Status.DRAFT:
        if locked.reference:
            return locked  # already submitted: one move, one reference, one e-mail
        raise IllegalMove(locked, Status.SUBMITTED)
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
    locked.reference = _next_reference(today.year)
    locked.signed_on = today
    locked.submitted_at = moment
    _compute_flags(locked, today)
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
    coordinators = _coordinator_emails(moved.facility)
    if coordinators:
        transaction.on_commit(
            lambda: send_templated_email.enqueue(
                to=coordinators,
                template="new_application",
                context={
                    "reference": moved.reference,
                    "kind": str(moved.get_kind_display()),
                    "facility": moved.facility.name,
                    "channel": str(Channel(moved.channel).label),
                },
            )
        )
    return moved


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
    *, application: Application, by: Any, on_behalf: bool = False, now: Any = None
) -> Application:
    """Re-sign the reopened sections, record what changed, recompute flags, back to review."""
    locked = Application.objects.select_for_update().select_related("person").get(pk=application.pk)
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
    _compute_flags(locked, today)
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
    return transition(
        application=locked,
        to=Status.IN_REVIEW,
        by=by,
        mover=Mover.APPLICANT,
        on_behalf=on_behalf,
        text=_("Information provided; back in review."),
    )
