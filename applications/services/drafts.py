"""Drafts: starting one, saving sections (also half-typed ones), documents."""

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications import crypto
from applications import sections as S
from applications.models import (
    Application,
    ApplicationDocument,
    CriminalHistoryEntry,
    DocumentKind,
    EventKind,
    Person,
    Relationship,
    Status,
)
from applications.services.errors import AlreadyLive, ApplicationError, NotEditable
from applications.services.people import save_identity
from applications.services.status import append_event
from facilities.models import Facility
from partners.models import Organization

PENDING = "_pending"
# Inside PENDING: identifiers typed into section 1 while it had errors (Fernet tokens).
HELD_IDENTIFIERS = "_identifiers"


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
    # The person comes with it (section 1 is written there; a signature is checked against
    # it); only the application's row is locked.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=application.pk)
    )
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
    if slug == S.ORGANISATION and "organization" in cleaned:
        chosen = cleaned["organization"]
        application.organization = (
            Organization.objects.filter(public_id=chosen).first() if chosen else None
        )
    if entries is not None:
        _replace_entries(application, slug, entries)
    pending = application.answers.get(PENDING, {})
    pending.pop(slug, None)
    if slug == S.IDENTITY:
        pending.pop(HELD_IDENTIFIERS, None)  # now saved on the person, or removed
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
def save_pending(
    *,
    application: Application,
    slug: str,
    raw: dict[str, list[str]],
    identifiers: dict[str, str] | None = None,
) -> None:
    """Keep answers that did not validate yet, as typed (within the section's fields and
    caps), so nothing is lost; identifiers typed in section 1 are kept encrypted, apart."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_editable(application, slug)
    kept = S.keepable(application.kind, slug, raw)
    for name in S.IDENTIFIER_FIELDS:
        kept.pop(name, None)  # never stored as typed
    pending = application.answers.setdefault(PENDING, {})
    # PostgreSQL cannot store U+0000 (no browser sends it): it is dropped, never a 500.
    pending[slug] = {
        key: [value.replace("\x00", "") for value in values] for key, values in kept.items()
    }
    if slug == S.IDENTITY:
        held = pending.setdefault(HELD_IDENTIFIERS, {})
        typed = identifiers or {}
        for name in S.IDENTIFIER_FIELDS:
            if kept.get(f"{name}_remove"):
                held.pop(name, None)
            elif typed.get(name):
                held[name] = crypto.encrypt(typed[name])
        if not held:
            pending.pop(HELD_IDENTIFIERS)
    application.last_section = slug
    application.save(update_fields=["answers", "last_section", "updated_at"])


def pending_data(application: Application, slug: str) -> dict[str, list[str]] | None:
    raw = application.answers.get(PENDING, {}).get(slug)
    # Answers kept before the caps existed are trimmed to them on the way out too.
    return S.keepable(application.kind, slug, raw) if raw else None


def held_identifiers(application: Application) -> dict[str, str]:
    """Section 1's identifiers typed on a visit that had other errors, decrypted."""
    held = application.answers.get(PENDING, {}).get(HELD_IDENTIFIERS, {})
    found = {}
    for name, token in held.items():
        try:
            found[name] = crypto.decrypt(token)
        except InvalidToken:
            continue  # its key was retired: the applicant types the number again
    return found


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
