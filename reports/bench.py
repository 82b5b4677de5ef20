"""Bench data at scale: deterministic, bulk-inserted rows shaped like what the services
produce, for timing the reports (`manage.py seed_bench`, `manage.py bench_reports`).

Every generated person has an address at BENCH_DOMAIN (a reserved name that never
delivers), so `--clear` finds them all. Audit rows stay: the log is append-only, and the
database refuses to delete from it on PostgreSQL.
"""

import hashlib
import json
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

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
from volunteers import compliance_dates
from volunteers.models import (
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    AgreementKind,
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    GrantAreaTally,
    GrantMonthTally,
    HourEntry,
    HourMonth,
    HourMonthTotal,
    HourSource,
    HourStatus,
    TBResult,
    TBTest,
    TrainingCompletion,
    UnsignedAgreement,
)
from volunteers.services import hour_rollups

BENCH_DOMAIN = "bench.example.invalid"
DEFAULTS = {"applications": 100_000, "grants": 20_000, "hours": 1_000_000, "audit": 1_000_000}
BATCH = 20_000
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


class Weighted:
    """rng.choices with the cumulative weights worked out once (it is called millions of times)."""

    def __init__(self, weighted: list[tuple[Any, int]]) -> None:
        self.values = [str(value) if isinstance(value, str) else value for value, _w in weighted]
        self.cumulative = list(accumulate(w for _v, w in weighted))

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


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


class Writer:
    """Inserts rows given as tuples in a stated column order; every other column takes its
    model default. PostgreSQL gets COPY (the only way to load millions of rows in minutes:
    bulk_create spends most of its time building model instances and preparing values),
    other databases (SQLite in the tests) bulk_create through the models. Nothing here
    bypasses a database rule: constraints, foreign keys and the audit trigger all apply."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.now = timezone.now()

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        """Primary keys for `count` new rows, drawn from the table's own sequence."""
        if not count:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            table = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's table
            first = int(cursor.fetchone()[0]) + 1
        return list(range(first, first + count))

    def _default(self, field: models.Field[Any, Any]) -> Any:
        value = field.get_default()
        if value is None and getattr(field, "auto_now", False) | getattr(
            field, "auto_now_add", False
        ):
            return self.now
        return value

    def insert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        **constants: Any,
    ) -> None:
        if not rows:
            return
        fields = {field.attname: field for field in model._meta.concrete_fields}
        fixed = dict(constants)
        for name, field in fields.items():
            # A generated column (the person's search text) is the database's to compute.
            if getattr(field, "generated", False):
                continue
            if name not in columns and name not in fixed and not field.primary_key:
                fixed[name] = self._default(field)
        names = [*columns, *fixed]
        if not self.postgres:
            tail = tuple(fixed.values())
            model._default_manager.bulk_create(
                [model(**dict(zip(names, row + tail, strict=True))) for row in rows],
                batch_size=2000,
            )
            return
        tail = tuple(self._for_copy(fields[name], value) for name, value in fixed.items())
        as_json = [
            i for i, name in enumerate(columns) if isinstance(fields[name], models.JSONField)
        ]
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(model._meta.db_table)} "
            f"({', '.join(quote(fields[name].column) for name in names)}) FROM STDIN"
        )
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                if as_json:
                    listed = list(row)
                    for i in as_json:
                        listed[i] = json.dumps(listed[i])
                    row = tuple(listed)
                copy.write_row(row + tail)

    def _for_copy(self, field: models.Field[Any, Any], value: Any) -> Any:
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        if isinstance(value, str):
            return str(value)  # a TextChoices member, as its value
        return field.get_db_prep_save(value, connection)

    def analyze(self, *models_: type[models.Model]) -> None:
        """Fresh planner statistics and visibility map, so the first report after seeding
        is planned for the rows that are there and can read indexes alone (autovacuum
        would get to both, minutes later)."""
        if self.postgres and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                for model in models_:
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"VACUUM ANALYZE {table}")


def as_value(choice: Any) -> Any:
    return str(choice) if isinstance(choice, str) else choice


STATUS_EVENT = str(EventKind.STATUS)
STEP_EVENT = str(EventKind.STEP)
OPEN = {str(s) for s in (Status.IN_REVIEW, Status.INFO_REQUESTED, Status.APPROVED)}
CLOSED = {str(s) for s in (Status.DECLINED, Status.WITHDRAWN)}
DECIDED = {str(s) for s in (Status.APPROVED, Status.DECLINED)}
FINISHED = {str(s) for s in (Status.APPROVED, Status.DECLINED, Status.WITHDRAWN)}
S = {status: str(status) for status in Status}
BASE_STEPS = [
    str(s) for s in (StepKind.COMPLETENESS, StepKind.BACKGROUND_CHECK, StepKind.INTERVIEW)
]
EXTRA_STEP = {
    str(Kind.STUDENT_INTERN): str(StepKind.SCHOOL_VERIFICATION),
    str(Kind.REENTRY_PARTNER): str(StepKind.ORGANISATION_VERIFICATION),
}
BACKGROUND = str(StepKind.BACKGROUND_CHECK)
HALF_HOURS = [Decimal(n) / 2 for n in range(2, 13)]
PERSON_COLUMNS = (
    "id",
    "public_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "state",
    "created_at",
    "updated_at",
)
APPLICATION_COLUMNS = (
    "id",
    "public_id",
    "reference",
    "person_id",
    "facility_id",
    "kind",
    "channel",
    "status",
    "access_level_requested",
    "program_area",
    "decline_reason",
    "created_at",
    "updated_at",
    "submitted_at",
    "decided_at",
    "status_changed_at",
    "reviewed_at",
)
EVENT_COLUMNS = (
    "application_id",
    "kind",
    "at",
    "from_status",
    "to_status",
    "text",
    "is_visible_to_applicant",
)
STEP_COLUMNS = ("id", "application_id", "step_kind", "order", "state", "occurred_on", "recorded_at")


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
        self.facility_ids = [f.pk for f in facilities]
        self.weights = list(accumulate(SIZE.get(f.kind, 1) for f in facilities))
        self.rows = Writer()
        self.program_areas = [str(v) for v in ProgramArea.values]
        self.sources = [str(v) for v in HourSource.values]
        self.decline_reasons = [str(v) for v in DeclineReason.values]
        self.statuses = Weighted(STATUSES)
        self.kinds = Weighted(KINDS)
        self.grant_statuses = Weighted(GRANT_STATUSES)

    def moment(self, day: date) -> datetime:
        minutes = self.rng.randrange(8 * 60, 18 * 60)
        return datetime.combine(day, time(minutes // 60, minutes % 60), age.DEPARTMENT_TZ)

    def day(self, start: date | None = None, end: date | None = None) -> date:
        start = start or self.start
        end = end or self.today
        return start + timedelta(days=self.rng.randrange(max((end - start).days, 1)))

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def run(self) -> dict[str, int]:
        loaded = [
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
        ]
        with manual_timestamps(*loaded):
            approved = self.applications()
            grants = self.grants(approved)
            self.hours(grants)
            self.roll_up_hours()
            self.trainings(grants)
            self.compliance_dates()
            self.audit()
        self.rows.analyze(*loaded, HourMonth, HourMonthTotal, GrantMonthTally, GrantAreaTally)
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
        rng, today, moment = self.rng, self.today, self.moment
        person_ids = self.rows.ids(Person, size)
        application_ids = self.rows.ids(Application, size)
        people: list[tuple[Any, ...]] = []
        applications: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        steps: list[tuple[Any, ...]] = []
        requests: list[tuple[Any, ...]] = []
        approved: list[tuple[int, int, int, str, date]] = []
        for n, person_id, application_id in zip(
            range(first, first + size), person_ids, application_ids, strict=True
        ):
            born = (
                today - timedelta(days=rng.randrange(18 * 365 + 5, 19 * 365 - 5))
                if rng.random() < 0.02
                else date(rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
            )
            created = moment(self.start)
            people.append(
                (
                    person_id,
                    self.uuid(),
                    rng.choice(FIRST),
                    f"{rng.choice(LAST)}{n}",
                    born,
                    f"bench{n:07d}@{BENCH_DOMAIN}",
                    "MO",
                    created,
                    created,
                )
            )
            status = self.statuses(rng)
            kind = self.kinds(rng)
            facility_id = rng.choices(self.facility_ids, cum_weights=self.weights)[0]
            submitted_day = self.day()
            submitted = None if status == Status.DRAFT else moment(submitted_day)
            decided = None
            if submitted is not None and status in DECIDED:
                decided = submitted + timedelta(
                    days=rng.randrange(5, 90), hours=rng.randrange(0, 8)
                )
            started = submitted or moment(submitted_day)
            applications.append(
                (
                    application_id,
                    self.uuid(),
                    None if submitted is None else f"BENCH-{n:08d}",
                    person_id,
                    facility_id,
                    kind,
                    Channel.PAPER if rng.random() < 0.1 else Channel.ONLINE,
                    status,
                    AccessLevel.CONTACT if rng.random() < 0.4 else AccessLevel.NO_CONTACT,
                    rng.choice(self.program_areas),
                    rng.choice(self.decline_reasons) if status == Status.DECLINED else "",
                    started,
                    decided or started,
                    submitted,
                    decided,
                    decided or submitted,
                    None,  # reviewed_at: set below once the review moment is drawn
                )
            )
            if submitted is None:
                continue
            events.append(
                (
                    application_id,
                    STATUS_EVENT,
                    submitted,
                    S[Status.DRAFT],
                    S[Status.SUBMITTED],
                    "",
                    True,
                )
            )
            reviewed = status in OPEN or (status in CLOSED and rng.random() < 0.7)
            if not reviewed:
                if status != Status.SUBMITTED:
                    events.append(
                        (
                            application_id,
                            STATUS_EVENT,
                            submitted + timedelta(days=2),
                            S[Status.SUBMITTED],
                            status,
                            "",
                            True,
                        )
                    )
                continue
            review_at = submitted + timedelta(days=rng.randrange(1, 4))
            applications[-1] = (*applications[-1][:-1], review_at)  # what transition() sets
            events.append(
                (
                    application_id,
                    STATUS_EVENT,
                    review_at,
                    S[Status.SUBMITTED],
                    S[Status.IN_REVIEW],
                    "",
                    True,
                )
            )
            kinds = BASE_STEPS + ([EXTRA_STEP[kind]] if kind in EXTRA_STEP else [])
            for order, step_kind in enumerate(kinds):
                done = status == Status.APPROVED or rng.random() < 0.6
                steps.append(
                    (
                        application_id,
                        step_kind,
                        order,
                        StepState.PASSED if done else StepState.PENDING,
                        review_at.date() if done else None,
                        review_at if done else None,
                    )
                )
                if done:
                    events.append((application_id, STEP_EVENT, review_at, "", "", step_kind, False))
            if status == Status.INFO_REQUESTED or rng.random() < 0.2:
                asked = review_at + timedelta(days=1)
                answered = (
                    None
                    if status == Status.INFO_REQUESTED
                    else asked + timedelta(days=rng.randrange(1, 25))
                )
                requests.append(
                    (application_id, asked.date() + timedelta(days=30), asked, answered)
                )
                events.append(
                    (
                        application_id,
                        str(EventKind.INFO_REQUESTED),
                        asked,
                        S[Status.IN_REVIEW],
                        S[Status.INFO_REQUESTED],
                        "",
                        False,
                    )
                )
                if answered:
                    events.append(
                        (
                            application_id,
                            str(EventKind.INFO_ANSWERED),
                            answered,
                            S[Status.INFO_REQUESTED],
                            S[Status.IN_REVIEW],
                            "",
                            False,
                        )
                    )
            if status in FINISHED:
                at = decided or review_at + timedelta(days=rng.randrange(3, 40))
                events.append(
                    (application_id, STATUS_EVENT, at, S[Status.IN_REVIEW], status, "", True)
                )
            if status == Status.APPROVED:
                assert decided is not None
                approved.append((application_id, person_id, facility_id, kind, decided.date()))
        rows = self.rows
        rows.insert(Person, PERSON_COLUMNS, people)
        rows.insert(Application, APPLICATION_COLUMNS, applications, flag_contact_under_19=False)
        rows.insert(ApplicationEvent, EVENT_COLUMNS, events)
        step_rows = [
            (step_id, *step)
            for step_id, step in zip(rows.ids(ScreeningStep, len(steps)), steps, strict=True)
        ]
        rows.insert(ScreeningStep, STEP_COLUMNS, step_rows)
        rows.insert(
            BackgroundCheck,
            ("step_id", "run_on", "recorded_at", "reference"),
            [
                (step[0], step[5], step[6], f"B{step[0]}")
                for step in step_rows
                if step[2] == BACKGROUND and step[5] is not None
            ],
            check_type=CheckType.MULES,
            outcome=CheckOutcome.CLEARED,
            performed_by="MSHP",
        )
        rows.insert(
            InformationRequest,
            ("application_id", "due_on", "requested_at", "answered_at"),
            requests,
            message="Please send your reference letter.",
            sections=[],
        )
        return approved

    # Grants across the lifecycle, with their events.
    def grants(
        self, approved: list[tuple[int, int, int, str, date]]
    ) -> list[tuple[int, int, int, date]]:
        rng, today, moment = self.rng, self.today, self.moment
        chosen = approved[: self.counts["grants"]]
        progress = Progress(self.write, "grants", len(chosen))
        made: list[tuple[int, int, int, date]] = []
        pending = str(AccessStatus.PENDING_ACTIVATION)
        active = str(AccessStatus.ACTIVE)
        for offset in range(0, len(chosen), BATCH):
            batch = chosen[offset : offset + BATCH]
            grants: list[tuple[Any, ...]] = []
            events: list[tuple[Any, ...]] = []
            for grant_id, (application_id, person_id, facility_id, kind, decided) in zip(
                self.rows.ids(FacilityAccess, len(batch)), batch, strict=True
            ):
                status = self.grant_statuses(rng)
                started = decided + timedelta(days=rng.randrange(7, 40))
                level = AccessLevel.CONTACT if rng.random() < 0.4 else AccessLevel.NO_CONTACT
                activated = status != pending
                expires = started + timedelta(days=730)
                if status == active and expires < today:
                    expires = today + timedelta(days=rng.randrange(1, 700))
                created = moment(decided)
                grants.append(
                    (
                        grant_id,
                        person_id,
                        facility_id,
                        application_id,
                        kind,
                        level,
                        level if activated else "",
                        status,
                        f"B{application_id:08d}" if activated else None,
                        started if activated else None,
                        expires if activated else None,
                        started,
                        created,
                        created,
                    )
                )
                events.append((grant_id, str(AccessEventKind.CREATED), created, "", pending))
                if not activated:
                    continue
                events.append(
                    (grant_id, str(AccessEventKind.ACTIVATED), moment(started), pending, active)
                )
                later = moment(min(started + timedelta(days=rng.randrange(30, 700)), today))
                move = MOVES.get(status)
                if move:
                    events.append((grant_id, str(move), later, active, status))
                elif rng.random() < 0.3:
                    events.append(
                        (
                            grant_id,
                            str(AccessEventKind.RENEWED),
                            later,
                            str(AccessStatus.EXPIRED),
                            active,
                        )
                    )
                made.append((grant_id, person_id, facility_id, started))
            with transaction.atomic():
                self.rows.insert(
                    FacilityAccess,
                    (
                        "id",
                        "person_id",
                        "facility_id",
                        "application_id",
                        "kind",
                        "level_approved",
                        "level_effective",
                        "status",
                        "badge_number",
                        "starts_on",
                        "expires_on",
                        "status_since",
                        "created_at",
                        "updated_at",
                    ),
                    grants,
                )
                self.rows.insert(
                    AccessEvent, ("access_id", "kind", "at", "from_status", "to_status"), events
                )
            progress.step(len(batch))
        return made

    def hours(self, grants: list[tuple[int, int, int, date]]) -> None:
        rng, day, moment = self.rng, self.day, self.moment
        total = self.counts["hours"]
        progress = Progress(self.write, "hours", total)
        if not grants:
            return
        start, today = self.start, self.today
        # Hours only on days already past, by grants already started (the service refuses
        # a future day): a grant approved lately may start after today.
        grants = [grant for grant in grants if grant[3] <= today]
        if not grants:
            return
        areas, sources = self.program_areas, self.sources
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            rows = []
            for _n in range(size):
                grant_id, person_id, facility_id, starts = rng.choice(grants)
                worked = day(max(starts, start), today)
                at = moment(worked)  # entered, approved and last changed the same day
                rows.append(
                    (
                        person_id,
                        facility_id,
                        grant_id,
                        worked,
                        rng.choice(areas),
                        rng.choice(HALF_HOURS),
                        rng.choice(sources),
                        at,
                        at,
                        at,
                    )
                )
            with transaction.atomic():
                self.rows.insert(
                    HourEntry,
                    (
                        "person_id",
                        "facility_id",
                        "access_id",
                        "worked_on",
                        "program_area",
                        "hours",
                        "source",
                        "created_at",
                        "updated_at",
                        "decided_at",
                    ),
                    rows,
                    status=HourStatus.APPROVED,
                )
            progress.step(size)

    def roll_up_hours(self) -> None:
        """The report's roll-ups of approved hours, worked out inside the database from the
        entries just loaded (what the hours service keeps one entry at a time)."""
        self.write("hour roll-ups  ...")
        with transaction.atomic():
            hour_rollups.rebuild()
        self.write(" done\n")

    def compliance_dates(self) -> None:
        """The grants' compliance dates from the trainings and TB tests just loaded (what
        the activation service keeps one record at a time)."""
        self.write("compliance dates  ...")
        with transaction.atomic():
            compliance_dates.refresh()
        self.write(" done\n")

    def trainings(self, grants: list[tuple[int, int, int, date]]) -> None:
        rng, moment = self.rng, self.moment
        courses = list(Course.objects.order_by("code"))
        versions = self._agreement_versions()
        progress = Progress(self.write, "trainings", len(grants))
        signed: set[int] = set()
        for offset in range(0, len(grants), BATCH):
            batch = grants[offset : offset + BATCH]
            completions, tests, signatures = [], [], []
            for _grant_id, person_id, facility_id, starts in batch:
                before = starts - timedelta(days=rng.randrange(1, 20))
                for course in courses:
                    done = (
                        self.day(before, self.today)
                        if course.code in ("prea", "annual-in-service")
                        else before
                    )
                    completions.append(
                        (
                            person_id,
                            course.pk,
                            done,
                            course.hours,
                            facility_id if course.per_facility else None,
                            moment(done),
                        )
                    )
                tested = self.day(max(before, self.today - timedelta(days=500)), self.today)
                tests.append((person_id, tested, tested + timedelta(days=365), moment(tested)))
                if person_id in signed:  # one signature per person and version
                    continue
                signed.add(person_id)
                for version in versions:
                    signatures.append(
                        (person_id, version.pk, before, moment(before), version.content_hash)
                    )
            with transaction.atomic():
                self.rows.insert(
                    TrainingCompletion,
                    (
                        "person_id",
                        "course_id",
                        "completed_on",
                        "hours",
                        "facility_id",
                        "recorded_at",
                    ),
                    completions,
                )
                self.rows.insert(
                    TBTest,
                    ("person_id", "tested_on", "valid_until", "recorded_at"),
                    tests,
                    result=TBResult.NEGATIVE,
                )
                self.rows.insert(
                    AgreementSignature,
                    ("person_id", "version_id", "signed_on", "signed_at", "version_hash"),
                    signatures,
                    signed_name="Bench Volunteer",
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
        return list(AgreementVersion.objects.in_effect(self.today).order_by("pk"))

    def audit(self) -> None:
        rng, moment, day = self.rng, self.moment, self.day
        total = self.counts["audit"]
        progress = Progress(self.write, "audit", total)
        codes = [(f.code, str(f)[:255]) for f in self.facilities]
        actors = [f"coordinator{n:03d}@{BENCH_DOMAIN}" for n in range(200)]
        actions = AUDIT_ACTIONS
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            rows = []
            for _n in range(size):
                code, label = rng.choice(codes)
                rows.append((moment(day()), rng.choice(actions), rng.choice(actors), code, label))
            with transaction.atomic():
                self.rows.insert(
                    AuditEvent,
                    ("when", "action", "actor_label", "facility_code", "facility_label"),
                    rows,
                    details={"bench": True},
                )
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
            ("unsigned agreements", UnsignedAgreement.objects.filter(person__in=people)),
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
            if label == "hours":  # before the grants and people the roll-ups point to
                hour_rollups.rebuild()
    return removed
