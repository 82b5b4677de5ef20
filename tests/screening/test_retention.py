"""Retention (issue 13 item 7): declined and withdrawn applications older than the program
setting are anonymized; the person's details go only where nothing else of theirs is live;
the security audit log is untouched; a dry run changes nothing; --apply is audited."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationDocument, Person, Status
from applications.pdf import application_pdf
from applications.services import add_document, submit_application, withdraw_application
from audit.models import AuditEvent
from facilities.models import Facility, ProgramSettings
from screening.services import decline_application
from tests.factories import draft_application
from tests.volunteers.activation_helpers import grant_at
from volunteers.models import Ban

pytestmark = pytest.mark.django_db

YEAR = timedelta(days=365)


def _submitted_with_letter(facility: Facility, person: Person | None = None) -> Application:
    draft = draft_application(facility=facility, **({"person": person} if person else {}))
    add_document(
        application=draft,
        kind="reference_letter",
        upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 reference", "application/pdf"),
        content_type="application/pdf",
        by=draft.person.user,
    )
    return submit_application(application=draft, by=draft.person.user)


def _ended(application: Application, *, ago: timedelta) -> Application:
    """Move the application's end back in time, as if decided `ago`."""
    when = timezone.now() - ago
    Application.objects.filter(pk=application.pk).update(status_changed_at=when, decided_at=when)
    application.refresh_from_db()
    return application


def _declined(facility: Facility, iac: User, *, ago: timedelta, **kw: Any) -> Application:
    application = _submitted_with_letter(facility, **kw)
    decline_application(application=application, by=iac, reason="other", note="Not a fit now.")
    return _ended(application, ago=ago)


def _audit_rows() -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.order_by("pk").values_list())


def test_an_old_decline_is_anonymized_with_the_person_s_details(
    facility: Facility, iac: User
) -> None:
    old = _declined(facility, iac, ago=4 * YEAR)
    document = old.documents.get()
    stored = document.file.name
    application_pdf(old)  # downloaded once: a rendering is kept in storage
    renderings = f"application-pdfs/{old.pk}"
    assert storages["private"].listdir(renderings)[1]
    person = Person.objects.get(pk=old.person_id)
    login = person.user
    assert person.ssn_encrypted
    assert person.email
    assert old.answers
    before = _audit_rows()

    out = StringIO()
    call_command("apply_retention", "--apply", stdout=out)

    old.refresh_from_db()
    person.refresh_from_db()
    assert old.anonymized_at is not None
    assert old.answers == {}
    assert old.signature_name == ""
    assert not ApplicationDocument.objects.filter(application=old).exists()
    assert not storages["private"].exists(stored)
    assert storages["private"].listdir(renderings)[1] == []
    assert not old.relationships.exists()
    assert all(event.text == "" for event in old.events.all())
    # What the reports count stays: status, reason, facility, dates.
    assert (old.status, old.decline_reason, old.facility_id) == ("declined", "other", facility.pk)
    assert old.submitted_at
    assert old.decided_at
    assert (person.email, person.phone, person.street_address, person.last_name) == ("", "", "", "")
    assert (person.ssn_encrypted, person.ssn_hash, person.dl_hash) == ("", "", "")
    assert person.date_of_birth is None
    assert person.user is None
    login.refresh_from_db()
    assert not login.is_active
    assert login.email.endswith("@anonymized.invalid")
    # The security log: every row as it was, and one more recording the run.
    after = _audit_rows()
    assert after[: len(before)] == before
    (run,) = after[len(before) :]
    assert run[2] == "screening.retention_applied"
    assert AuditEvent.objects.get(pk=run[0]).details["applications"] == [old.reference]
    assert old.reference in out.getvalue()


def test_a_person_live_elsewhere_keeps_their_contact_details(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    old = _declined(facility, iac, ago=4 * YEAR)
    boonville = grant_at(other_facility, by=iac, person=old.person)  # approved there since

    out = StringIO()
    call_command("apply_retention", "--apply", stdout=out)

    old.refresh_from_db()
    person = Person.objects.get(pk=old.person_id)
    assert old.anonymized_at is not None
    assert old.answers == {}
    assert person.email
    assert person.ssn_encrypted
    assert person.last_name
    assert person.user is not None
    assert person.user.is_active
    assert boonville.application.reference in out.getvalue()  # why the details stay
    assert Application.objects.get(pk=boonville.application_id).answers  # not touched


def test_a_recent_decline_and_a_banned_person_are_kept(facility: Facility, iac: User) -> None:
    recent = _declined(facility, iac, ago=2 * YEAR)
    banned = _declined(facility, iac, ago=5 * YEAR)
    Ban.objects.create(person=banned.person, reason="Contraband", banned_on=timezone.localdate())

    call_command("apply_retention", "--apply", stdout=StringIO())

    recent.refresh_from_db()
    banned.refresh_from_db()
    assert recent.anonymized_at is None
    assert recent.answers
    assert recent.documents.exists()
    assert banned.anonymized_at is not None
    # A ban must still recognize them if they apply again: identifiers and name stay.
    person = Person.objects.get(pk=banned.person_id)
    assert person.ssn_hash
    assert person.last_name


def test_the_period_is_the_program_setting(facility: Facility, iac: User) -> None:
    application = _declined(facility, iac, ago=2 * YEAR)
    ProgramSettings.objects.update(retention_years=1)

    call_command("apply_retention", "--apply", stdout=StringIO())

    application.refresh_from_db()
    assert application.anonymized_at is not None


def test_a_withdrawn_application_is_anonymized_too(facility: Facility, iac: User) -> None:
    application = _submitted_with_letter(facility)
    withdraw_application(application=application, by=application.person.user, reason="Moved")
    application = _ended(application, ago=4 * YEAR)
    live = draft_application(facility=facility)  # someone else's draft: untouched

    call_command("apply_retention", "--apply", stdout=StringIO())

    application.refresh_from_db()
    live.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.anonymized_at is not None
    assert application.answers == {}
    assert live.anonymized_at is None
    assert live.answers


def test_the_dry_run_prints_and_changes_nothing(facility: Facility, iac: User) -> None:
    old = _declined(facility, iac, ago=4 * YEAR)
    person = Person.objects.get(pk=old.person_id)
    stored = old.documents.get().file.name
    before = (_audit_rows(), old.answers, person.email, person.ssn_encrypted)

    out = StringIO()
    call_command("apply_retention", stdout=out)

    old.refresh_from_db()
    person.refresh_from_db()
    assert (_audit_rows(), old.answers, person.email, person.ssn_encrypted) == before
    assert old.anonymized_at is None
    assert storages["private"].exists(stored)
    text = out.getvalue()
    assert old.reference in text
    assert "contact details and identifiers" in text
    assert "Dry run: would anonymize 1 applications" in text
    assert "--apply" in text
