"""Retention (issue 13 item 7): declined and withdrawn applications older than the program
setting's years are anonymized: their answers, documents, relationships and notes go; the
person's contact details and identifiers go too where nothing else of the person is live.

The security audit log is never touched (it is the record; rows copy labels, not keys). The
status, kind, facility and dates stay, so the reports' counts and timings still add up.
Here in screening, above volunteers, because "live" includes a grant and a statewide ban.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from applications import age
from applications.models import (
    LIVE_STATUSES,
    Application,
    ApplicationDocument,
    InformationRequest,
    Person,
    Relationship,
    Status,
)
from applications.pdf import forget_stored_pdfs
from audit.services import record
from facilities.models import ProgramSettings
from screening.models import ScreeningStep
from volunteers.compliance import add_months
from volunteers.models import LIVE_ACCESS, Ban, FacilityAccess

ENDED = (Status.DECLINED, Status.WITHDRAWN)
# Section 1's contact details and identifiers, cleared when nothing else of the person is live.
PERSON_BLANKS: dict[str, Any] = dict.fromkeys(
    (
        "first_name",
        "middle_name",
        "last_name",
        "suffix",
        "other_names",
        "email",
        "phone",
        "street_address",
        "city",
        "state",
        "zip",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
        "ssn_encrypted",
        "ssn_last4",
        "ssn_hash",
        "dl_number_encrypted",
        "dl_last4",
        "dl_hash",
        "dl_state",
    ),
    "",
) | {"date_of_birth": None}


@dataclass
class Planned:
    """What one run changes (or, in a dry run, would change)."""

    cutoff: date
    applications: list[Application] = field(default_factory=list)
    people_cleared: list[Person] = field(default_factory=list)
    # A person kept, with why: something of theirs is still live or still retained.
    people_kept: list[tuple[Person, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Declined or withdrawn before {self.cutoff.isoformat()}:"]
        for app in self.applications:
            label = app.reference or f"draft {app.pk}"
            out.append(
                f"  {label} ({app.facility.code}, {app.status}): answers, "
                f"{app.documents.count()} documents, {app.relationships.count()} relationships"
            )
        for person in self.people_cleared:
            out.append(f"  person {person.public_id}: contact details and identifiers")
        for person, why in self.people_kept:
            out.append(f"  person {person.public_id}: contact details kept ({why})")
        return out


def cutoff_date(today: date | None = None) -> date:
    years = ProgramSettings.load().retention_years
    return add_months(today or age.today(), -12 * years)


def due(cutoff: date) -> QuerySet[Application]:
    """Declined and withdrawn applications that ended before `cutoff`, not yet anonymized."""
    ended_before = datetime.combine(cutoff, time.min, age.DEPARTMENT_TZ)
    return (
        Application.objects.filter(status__in=ENDED, anonymized_at__isnull=True)
        .annotate(ended_at=Coalesce("status_changed_at", "decided_at", "updated_at"))
        .filter(ended_at__lt=ended_before)
        .select_related("facility", "person")
        .order_by("pk")
    )


def _why_kept(person: Person, leaving: set[int]) -> str:
    """Why the person's contact details stay ("" when nothing does)."""
    others = person.applications.exclude(pk__in=leaving)
    live = others.filter(Q(status__in=LIVE_STATUSES) | Q(status=Status.APPROVED)).first()
    if live is not None:
        return f"live application {live.reference or 'draft'}"
    if FacilityAccess.objects.filter(person=person, status__in=LIVE_ACCESS).exists():
        return "facility access"
    if Ban.objects.active().filter(person=person).exists():
        # A ban must still find them if they apply again (through the identifier hashes).
        return "statewide ban"
    retained = others.filter(anonymized_at__isnull=True).first()
    if retained is not None:
        return f"application {retained.reference or 'draft'} still kept"
    return ""


def plan(today: date | None = None) -> Planned:
    """What a run would change, changing nothing."""
    planned = Planned(cutoff=cutoff_date(today))
    planned.applications = list(due(planned.cutoff))
    leaving = {app.pk for app in planned.applications}
    people = {app.person_id: app.person for app in planned.applications}
    for person in people.values():
        why = _why_kept(person, leaving)
        if why:
            planned.people_kept.append((person, why))
        else:
            planned.people_cleared.append(person)
    return planned


def _anonymize_application(application: Application, now: datetime) -> None:
    for document in ApplicationDocument.objects.filter(application=application):
        # The storage API, not a path: the files may live in S3.
        document.file.delete(save=False)
        document.delete()
    forget_stored_pdfs(application)  # a stored rendering would keep every answer
    Relationship.objects.filter(application=application).delete()
    InformationRequest.objects.filter(application=application).update(
        message="", answers_before={}, answer_note=""
    )
    application.events.update(text="", data={})
    ScreeningStep.objects.filter(application=application).update(note="", waive_reason="")
    Application.objects.filter(pk=application.pk).update(
        answers={},
        signature_name="",
        flag_criminal_history=False,
        flag_pending_or_supervision=False,
        flag_relationship_conflict=False,
        anonymized_at=now,
    )


def _anonymize_person(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(**PERSON_BLANKS, user=None)
    if person.user_id is not None:
        # An applicant's login (no password) would keep the e-mail address: made unusable.
        unusable = UNUSABLE_PASSWORD_PREFIX
        User.objects.filter(pk=person.user_id, password__startswith=unusable).update(
            email=f"anonymized-{person.user_id}@anonymized.invalid",
            first_name="",
            last_name="",
            is_active=False,
        )


@transaction.atomic
def apply_retention(*, by: Any, today: date | None = None) -> Planned:
    """Anonymize what `plan()` lists and record the run (counts, references) in the audit
    log; nothing already in the log is changed."""
    planned = plan(today)
    now = timezone.now()
    for application in planned.applications:
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status in ENDED and locked.anonymized_at is None:
            _anonymize_application(locked, now)
    leaving = {app.pk for app in planned.applications}
    for person in planned.people_cleared:
        # Locked and asked again: one who applied again since the plan keeps their details.
        locked_person = Person.objects.select_for_update().get(pk=person.pk)
        if not _why_kept(locked_person, leaving):
            _anonymize_person(locked_person)
    record(
        by=by,
        action="screening.retention_applied",
        details={
            "cutoff": planned.cutoff.isoformat(),
            "applications": [a.reference or f"draft {a.pk}" for a in planned.applications],
            "people_cleared": len(planned.people_cleared),
            "people_kept": len(planned.people_kept),
        },
    )
    return planned
