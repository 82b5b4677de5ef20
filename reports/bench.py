"""Bench data at scale: deterministic, bulk-inserted rows shaped like what the services
produce, for timing the reports (`manage.py seed_bench`, `manage.py bench_reports`).

Every generated person has an address at BENCH_DOMAIN (a reserved name that never
delivers), so `--clear` finds them all. Audit rows stay: the log is append-only, and the
database refuses to delete from it on PostgreSQL.
"""

import hashlib
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from applications import age
from applications.models import (
    AccessLevel,
    Application,
    ApplicationEvent,
    Channel,
    DeclineReason,
    EventKind,
    InformationRequest,
    Kind,
    Person,
    ProgramArea,
    Status,
)
from audit.models import AuditEvent
from facilities.models import Facility, FacilityKind
from screening.models import (
    BackgroundCheck,
    CheckOutcome,
    CheckType,
    ScreeningStep,
    StepKind,
    StepState,
)
from volunteers.models import (
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    AgreementKind,
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
    TBResult,
    TBTest,
    TrainingCompletion,
)

BENCH_DOMAIN = "bench.example.invalid"
DEFAULTS = {"applications": 100_000, "grants": 20_000, "hours": 1_000_000, "audit": 1_000_000}
BATCH = 5000
YEARS = 5
KINDS = [(Kind.VOLUNTEER, 75), (Kind.REENTRY_PARTNER, 15), (Kind.STUDENT_INTERN, 10)]
STATUSES = [
    (Status.SUBMITTED, 4),
    (Status.IN_REVIEW, 5),
    (Status.INFO_REQUESTED, 3),
    (Status.DRAFT, 3),
    (Status.APPROVED, 50),
    (Status.DECLINED, 20),
    (Status.WITHDRAWN, 15),
]
GRANT_STATUSES = [
    (AccessStatus.ACTIVE, 60),
    (AccessStatus.PENDING_ACTIVATION, 6),
    (AccessStatus.SUSPENDED, 3),
    (AccessStatus.EXPIRED, 8),
    (AccessStatus.ENDED, 20),
    (AccessStatus.REVOKED, 3),
]
# People served weigh a facility: an institution sees more volunteers than a P&P office.
SIZE: dict[str, int] = {
    FacilityKind.ADULT_INSTITUTION: 6,
    FacilityKind.COMMUNITY_SUPERVISION_CENTER: 2,
    FacilityKind.TRANSITION_CENTER: 2,
    FacilityKind.COMMUNITY_RELEASE_CENTER: 2,
    FacilityKind.PROBATION_PAROLE_OFFICE: 1,
    FacilityKind.CENTRAL_OFFICE: 1,
}
MOVES: dict[str, str] = {
    AccessStatus.SUSPENDED: AccessEventKind.SUSPENDED,
    AccessStatus.EXPIRED: AccessEventKind.EXPIRED,
    AccessStatus.ENDED: AccessEventKind.ENDED,
    AccessStatus.REVOKED: AccessEventKind.REVOKED,
}
AUDIT_ACTIONS = [
    "auth.signed_in",
    "screening.decided",
    "screening.review_started",
    "screening.step_recorded",
    "volunteers.activated",
    "screening.document_downloaded",
    "screening.roster_exported",
    "applications.identifier_revealed",
    "reports.downloaded",
]
FIRST = ["Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena"]
LAST = ["Adams", "Baker", "Cruz", "Diaz", "Evans", "Ford", "Gray", "Hill", "Irwin", "Jones"]


@contextmanager
def manual_timestamps(*models_: type[models.Model]) -> Iterator[None]:
    """Let bulk inserts carry historical times: an auto_now(_add) field keeps a value given
    to it, and takes the current time only when left empty."""
    patched = []
    for model in models_:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
                original = field.pre_save

                def keep(obj: Any, add: bool, field: Any = field, original: Any = original) -> Any:
                    return getattr(obj, field.attname) or original(obj, add)

                field.pre_save = keep  # type: ignore[method-assign,assignment]
                patched.append(field)
    try:
        yield
    finally:
        for field in patched:
            del field.pre_save


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


@dataclass
class Progress:
    write: Callable[[str], None]
    label: str
    total: int
    done: int = 0
    shown: int = -1

    def step(self, count: int = 1) -> None:
        self.done += count
        percent = 100 * self.done // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.write(
                f"\r{self.label:<14} [{bar:<25}] {percent:3d}%  {self.done:,}/{self.total:,}"
            )
        if self.done >= self.total:
            self.write("\n")


class Seeder:
    def __init__(self, *, scale: float, seed: int, write: Callable[[str], None]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - bench data, not secrets; reproducible
        self.counts = {name: max(1, round(count * scale)) for name, count in DEFAULTS.items()}
        self.write = write
        self.today = age.today()
        self.start = self.today - timedelta(days=365 * YEARS)
        facilities = list(Facility.objects.order_by("code"))
        if not facilities:
            raise ValueError("No facility: load the directory first (manage.py load_facilities).")
        self.facilities = facilities
        self.weights = [SIZE.get(f.kind, 1) for f in facilities]

    def moment(self, day: date) -> datetime:
        minutes = self.rng.randrange(8 * 60, 18 * 60)
        return datetime.combine(day, time(minutes // 60, minutes % 60), age.DEPARTMENT_TZ)

    def day(self, start: date | None = None, end: date | None = None) -> date:
        start = start or self.start
        end = end or self.today
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 1)))

    def run(self) -> dict[str, int]:
        with manual_timestamps(
            Person,
            Application,
            ApplicationEvent,
            InformationRequest,
            ScreeningStep,
            BackgroundCheck,
            FacilityAccess,
            AccessEvent,
            HourEntry,
            TrainingCompletion,
            TBTest,
            AgreementSignature,
            AuditEvent,
        ):
            approved = self.applications()
            grants = self.grants(approved)
            self.hours(grants)
            self.trainings(grants)
            self.audit()
        return self.counts

    # Applications, with their events, steps, checks and information requests.
    def applications(self) -> list[tuple[int, int, int, str, date]]:
        total = self.counts["applications"]
        progress = Progress(self.write, "applications", total)
        approved: list[tuple[int, int, int, str, date]] = []
        first_number = Person.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count()
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            with transaction.atomic():
                approved += self._application_batch(first_number + offset, size)
            progress.step(size)
        return approved

    def _application_batch(self, first: int, size: int) -> list[tuple[int, int, int, str, date]]:
        rng = self.rng
        people = []
        for n in range(first, first + size):
            under_19 = rng.random() < 0.02
            born = (
                self.today - timedelta(days=rng.randrange(18 * 365 + 5, 19 * 365 - 5))
                if under_19
                else (date(rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29)))
            )
            people.append(
                Person(
                    first_name=rng.choice(FIRST),
                    last_name=f"{rng.choice(LAST)}{n}",
                    date_of_birth=born,
                    email=f"bench{n:07d}@{BENCH_DOMAIN}",
                    state="MO",
                    created_at=self.moment(self.start),
                )
            )
        people = Person.objects.bulk_create(people)
        applications = []
        for n, person in zip(range(first, first + size), people, strict=True):
            status = pick(rng, STATUSES)
            kind = pick(rng, KINDS)
            submitted_day = self.day()
            submitted = None if status == Status.DRAFT else self.moment(submitted_day)
            decided = None
            if submitted is not None and status in (Status.APPROVED, Status.DECLINED):
                decided = submitted + timedelta(
                    days=rng.randrange(5, 90), hours=rng.randrange(0, 8)
                )
            applications.append(
                Application(
                    person=person,
                    facility=rng.choices(self.facilities, self.weights)[0],
                    kind=kind,
                    channel=Channel.PAPER if rng.random() < 0.1 else Channel.ONLINE,
                    status=status,
                    access_level_requested=AccessLevel.CONTACT
                    if rng.random() < 0.4
                    else AccessLevel.NO_CONTACT,
                    program_area=rng.choice(ProgramArea.values),
                    reference=None if submitted is None else f"BENCH-{n:08d}",
                    decline_reason=rng.choice(DeclineReason.values)
                    if status == Status.DECLINED
                    else "",
                    flag_contact_under_19=False,
                    created_at=submitted or self.moment(submitted_day),
                    submitted_at=submitted,
                    decided_at=decided,
                    status_changed_at=decided or submitted,
                )
            )
        applications = Application.objects.bulk_create(applications)
        events, steps, requests = [], [], []
        approved = []
        for application in applications:
            if application.submitted_at is None:
                continue
            submitted = application.submitted_at
            events.append(self._event(application, submitted, Status.DRAFT, Status.SUBMITTED))
            reviewed = application.status in (
                Status.IN_REVIEW,
                Status.INFO_REQUESTED,
                Status.APPROVED,
            ) or (application.status in (Status.DECLINED, Status.WITHDRAWN) and rng.random() < 0.7)
            if not reviewed:
                if application.status != Status.SUBMITTED:
                    events.append(
                        self._event(
                            application,
                            submitted + timedelta(days=2),
                            Status.SUBMITTED,
                            application.status,
                        )
                    )
                continue
            review_at = submitted + timedelta(days=rng.randrange(1, 4))
            events.append(self._event(application, review_at, Status.SUBMITTED, Status.IN_REVIEW))
            kinds = [StepKind.COMPLETENESS, StepKind.BACKGROUND_CHECK, StepKind.INTERVIEW]
            if application.kind == Kind.STUDENT_INTERN:
                kinds.append(StepKind.SCHOOL_VERIFICATION)
            if application.kind == Kind.REENTRY_PARTNER:
                kinds.append(StepKind.ORGANISATION_VERIFICATION)
            for order, step_kind in enumerate(kinds):
                done = application.status == Status.APPROVED or rng.random() < 0.6
                steps.append(
                    ScreeningStep(
                        application=application,
                        step_kind=step_kind,
                        order=order,
                        state=StepState.PASSED if done else StepState.PENDING,
                        occurred_on=review_at.date() if done else None,
                        recorded_at=review_at if done else None,
                    )
                )
                if done:
                    events.append(
                        ApplicationEvent(
                            application=application,
                            kind=EventKind.STEP,
                            at=review_at,
                            text=str(step_kind),
                        )
                    )
            if application.status == Status.INFO_REQUESTED or rng.random() < 0.2:
                asked = review_at + timedelta(days=1)
                answered = (
                    None
                    if application.status == Status.INFO_REQUESTED
                    else asked + timedelta(days=rng.randrange(1, 25))
                )
                requests.append(
                    InformationRequest(
                        application=application,
                        message="Please send your reference letter.",
                        sections=[],
                        due_on=asked.date() + timedelta(days=30),
                        requested_at=asked,
                        answered_at=answered,
                    )
                )
                events.append(
                    ApplicationEvent(
                        application=application,
                        kind=EventKind.INFO_REQUESTED,
                        at=asked,
                        from_status=Status.IN_REVIEW,
                        to_status=Status.INFO_REQUESTED,
                    )
                )
                if answered:
                    events.append(
                        ApplicationEvent(
                            application=application,
                            kind=EventKind.INFO_ANSWERED,
                            at=answered,
                            from_status=Status.INFO_REQUESTED,
                            to_status=Status.IN_REVIEW,
                        )
                    )
            if application.status in (Status.APPROVED, Status.DECLINED, Status.WITHDRAWN):
                moment = application.decided_at or review_at + timedelta(days=rng.randrange(3, 40))
                events.append(
                    self._event(application, moment, Status.IN_REVIEW, application.status)
                )
            if application.status == Status.APPROVED:
                assert application.decided_at is not None
                approved.append(
                    (
                        application.pk,
                        application.person_id,
                        application.facility_id,
                        application.kind,
                        application.decided_at.date(),
                    )
                )
        ApplicationEvent.objects.bulk_create(events, batch_size=BATCH)
        steps = ScreeningStep.objects.bulk_create(steps, batch_size=BATCH)
        checks = [
            BackgroundCheck(
                step=step,
                check_type=CheckType.MULES,
                run_on=step.occurred_on,
                outcome=CheckOutcome.CLEARED,
                performed_by="MSHP",
                recorded_at=step.recorded_at or self.moment(self.today),
                reference=f"B{step.pk}",
            )
            for step in steps
            if step.step_kind == StepKind.BACKGROUND_CHECK and step.occurred_on is not None
        ]
        BackgroundCheck.objects.bulk_create(checks, batch_size=BATCH)
        InformationRequest.objects.bulk_create(requests, batch_size=BATCH)
        return approved

    def _event(
        self, application: Application, at: datetime, before: str, after: str
    ) -> ApplicationEvent:
        return ApplicationEvent(
            application=application,
            kind=EventKind.STATUS,
            at=at,
            from_status=before,
            to_status=after,
            is_visible_to_applicant=True,
        )

    # Grants across the lifecycle, with their events.
    def grants(
        self, approved: list[tuple[int, int, int, str, date]]
    ) -> list[tuple[int, int, int, date]]:
        chosen = approved[: self.counts["grants"]]
        progress = Progress(self.write, "grants", len(chosen))
        made: list[tuple[int, int, int, date]] = []
        for offset in range(0, len(chosen), BATCH):
            batch = chosen[offset : offset + BATCH]
            grants, events = [], []
            for application_id, person_id, facility_id, kind, decided in batch:
                status = pick(self.rng, GRANT_STATUSES)
                started = decided + timedelta(days=self.rng.randrange(7, 40))
                level = AccessLevel.CONTACT if self.rng.random() < 0.4 else AccessLevel.NO_CONTACT
                activated = status != AccessStatus.PENDING_ACTIVATION
                expires = started + timedelta(days=730)
                if status == AccessStatus.ACTIVE and expires < self.today:
                    expires = self.today + timedelta(days=self.rng.randrange(1, 700))
                grants.append(
                    FacilityAccess(
                        person_id=person_id,
                        facility_id=facility_id,
                        application_id=application_id,
                        kind=kind,
                        level_approved=level,
                        level_effective=level if activated else "",
                        status=status,
                        badge_number=f"B{application_id:08d}" if activated else None,
                        starts_on=started if activated else None,
                        expires_on=expires if activated else None,
                        status_since=started,
                        created_at=self.moment(decided),
                    )
                )
            grants = FacilityAccess.objects.bulk_create(grants)
            for grant in grants:
                created = grant.created_at
                events.append(
                    AccessEvent(
                        access=grant,
                        kind=AccessEventKind.CREATED,
                        at=created,
                        to_status=AccessStatus.PENDING_ACTIVATION,
                    )
                )
                if grant.starts_on is None:
                    continue
                events.append(
                    AccessEvent(
                        access=grant,
                        kind=AccessEventKind.ACTIVATED,
                        at=self.moment(grant.starts_on),
                        from_status=AccessStatus.PENDING_ACTIVATION,
                        to_status=AccessStatus.ACTIVE,
                    )
                )
                later = self.moment(
                    min(grant.starts_on + timedelta(days=self.rng.randrange(30, 700)), self.today)
                )
                move = MOVES.get(grant.status)
                if move:
                    events.append(
                        AccessEvent(
                            access=grant,
                            kind=move,
                            at=later,
                            from_status=AccessStatus.ACTIVE,
                            to_status=grant.status,
                        )
                    )
                elif self.rng.random() < 0.3:
                    events.append(
                        AccessEvent(
                            access=grant,
                            kind=AccessEventKind.RENEWED,
                            at=later,
                            from_status=AccessStatus.EXPIRED,
                            to_status=AccessStatus.ACTIVE,
                        )
                    )
                made.append((grant.pk, grant.person_id, grant.facility_id, grant.starts_on))
            AccessEvent.objects.bulk_create(events, batch_size=BATCH)
            progress.step(len(batch))
        return made

    def hours(self, grants: list[tuple[int, int, int, date]]) -> None:
        total = self.counts["hours"]
        progress = Progress(self.write, "hours", total)
        if not grants:
            return
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            rows = []
            for _n in range(size):
                grant_id, person_id, facility_id, starts = self.rng.choice(grants)
                worked = self.day(max(starts, self.start), self.today)
                rows.append(
                    HourEntry(
                        person_id=person_id,
                        facility_id=facility_id,
                        access_id=grant_id,
                        worked_on=worked,
                        program_area=self.rng.choice(ProgramArea.values),
                        hours=Decimal(self.rng.randrange(2, 13)) / 2,
                        status=HourStatus.APPROVED,
                        source=self.rng.choice(HourSource.values),
                        created_at=self.moment(worked),
                        updated_at=self.moment(worked),
                        decided_at=self.moment(worked),
                    )
                )
            HourEntry.objects.bulk_create(rows)
            progress.step(size)

    def trainings(self, grants: list[tuple[int, int, int, date]]) -> None:
        courses = {c.code: c for c in Course.objects.all()}
        versions = self._agreement_versions()
        progress = Progress(self.write, "trainings", len(grants))
        for offset in range(0, len(grants), BATCH):
            batch = grants[offset : offset + BATCH]
            completions, tests, signatures = [], [], []
            for _grant_id, person_id, facility_id, starts in batch:
                before = starts - timedelta(days=self.rng.randrange(1, 20))
                for code, course in courses.items():
                    done = (
                        self.day(before, self.today)
                        if code in ("prea", "annual-in-service")
                        else before
                    )
                    completions.append(
                        TrainingCompletion(
                            person_id=person_id,
                            course=course,
                            completed_on=done,
                            hours=course.hours,
                            facility_id=facility_id if course.per_facility else None,
                            recorded_at=self.moment(done),
                        )
                    )
                tested = self.day(max(before, self.today - timedelta(days=500)), self.today)
                tests.append(
                    TBTest(
                        person_id=person_id,
                        tested_on=tested,
                        result=TBResult.NEGATIVE,
                        valid_until=tested + timedelta(days=365),
                        recorded_at=self.moment(tested),
                    )
                )
                for version in versions:
                    signatures.append(
                        AgreementSignature(
                            person_id=person_id,
                            version=version,
                            signed_name="Bench Volunteer",
                            signed_on=before,
                            signed_at=self.moment(before),
                            version_hash=version.content_hash,
                        )
                    )
            TrainingCompletion.objects.bulk_create(completions, batch_size=BATCH)
            TBTest.objects.bulk_create(tests, batch_size=BATCH)
            AgreementSignature.objects.bulk_create(
                signatures, batch_size=BATCH, ignore_conflicts=True
            )
            progress.step(len(batch))

    def _agreement_versions(self) -> list[AgreementVersion]:
        """The versions in effect; the first of each kind is published if none exists yet."""
        for kind, label in AgreementKind.choices:
            if not AgreementVersion.objects.filter(kind=kind).exists():
                text = f"{label} (version 1)."
                AgreementVersion.objects.create(
                    kind=kind,
                    version=1,
                    title=str(label),
                    text_en=text,
                    effective_on=self.start,
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                )
        return list(AgreementVersion.objects.in_effect(self.today))

    def audit(self) -> None:
        total = self.counts["audit"]
        progress = Progress(self.write, "audit", total)
        codes = [(f.code, str(f)) for f in self.facilities]
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            rows = []
            for _n in range(size):
                code, label = self.rng.choice(codes)
                rows.append(
                    AuditEvent(
                        when=self.moment(self.day()),
                        action=self.rng.choice(AUDIT_ACTIONS),
                        actor_label=f"coordinator{self.rng.randrange(200):03d}@{BENCH_DOMAIN}",
                        facility_code=code,
                        facility_label=label[:255],
                        details={"bench": True},
                    )
                )
            AuditEvent.objects.bulk_create(rows)
            progress.step(size)


def clear(write: Callable[[str], None]) -> dict[str, int]:
    """Remove every bench person and what hangs off them (not the append-only audit rows)."""
    people = Person.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")
    removed: dict[str, int] = {}
    with transaction.atomic():
        for label, queryset in [
            ("hours", HourEntry.objects.filter(person__in=people)),
            ("grant events", AccessEvent.objects.filter(access__person__in=people)),
            ("signatures", AgreementSignature.objects.filter(person__in=people)),
            ("completions", TrainingCompletion.objects.filter(person__in=people)),
            ("TB tests", TBTest.objects.filter(person__in=people)),
            ("grants", FacilityAccess.objects.filter(person__in=people)),
            ("checks", BackgroundCheck.objects.filter(step__application__person__in=people)),
            ("steps", ScreeningStep.objects.filter(application__person__in=people)),
            (
                "information requests",
                InformationRequest.objects.filter(application__person__in=people),
            ),
            ("events", ApplicationEvent.objects.filter(application__person__in=people)),
            ("applications", Application.objects.filter(person__in=people)),
            ("people", people),
        ]:
            removed[label] = queryset._raw_delete(queryset.db)
            write(f"removed {removed[label]:,} {label}\n")
    return removed
