"""Each grant's compliance dates (FacilityAccess.trainings_expire_on, training_missing and
tb_clear_until) and each holder's unsigned agreements (UnsignedAgreement), kept in step
with the records they come from, so that the statewide compliance report compares dates
on the grants and reads a few unsigned rows instead of finding every person's latest
completion and TB test and grouping every signature in each request.

The writers call `refresh` in the same transaction: recording a completion or a TB test
(volunteers.activation), a signature (volunteers.services.agreements), a new grant
(volunteers.services.grants), a merge (volunteers.services.people); and for everyone,
a course saved in the admin, a version published, and `seed_bench` after loading.
The grants' fields are dates, not states: a state (current, expiring, lapsed) depends on
the day the report is read, and is worked out then.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from applications import age
from applications.models import Person
from volunteers.compliance import add_months
from volunteers.models import (
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    TBResult,
    TBTest,
    TrainingCompletion,
    UnsignedAgreement,
)

CLEAR = (TBResult.NEGATIVE, TBResult.POSITIVE_CLEARED)
FIELDS = ("trainings_expire_on", "training_missing", "tb_clear_until")
BATCH = 500  # ids per statement: below SQLite's 999 parameters


def tracked_courses(courses: Iterable[Any]) -> list[Any]:
    """The courses the report follows: active, renewed (a validity), not the annual
    in-service (its hours are the report's other table)."""
    return [
        c
        for c in courses
        if c.is_active and c.validity_months is not None and c.annual_hours_required is None
    ]


def dates_of(
    grant: Any,
    courses: list[Any],
    last_done: Mapping[tuple[int, int, int | None], date],
    latest_test: Mapping[int, Any],
) -> dict[str, Any]:
    """One grant's dates from plain rows: `last_done` maps (person, course, facility or
    None) to the latest completion day, `latest_test` a person to their latest TB test.
    Plain values, so the migration that added the fields computes them the same way."""
    expiries: list[date] = []
    missing = False
    for course in courses:
        if (course.kinds and grant.kind not in course.kinds) or (
            course.levels and grant.level_approved not in course.levels
        ):
            continue
        where = grant.facility_id if course.per_facility else None
        done = last_done.get((grant.person_id, course.pk, where))
        if done is None:
            missing = True
        else:
            expiries.append(add_months(done, course.validity_months))
    test = latest_test.get(grant.person_id)
    return {
        "trainings_expire_on": min(expiries, default=None),
        "training_missing": missing,
        "tb_clear_until": test.valid_until if test is not None and test.result in CLEAR else None,
    }


def refresh_grants(
    grants: QuerySet[Any],
    *,
    courses: QuerySet[Any],
    completions: QuerySet[Any],
    tests: QuerySet[Any],
    every: bool = False,
) -> int:
    """Recompute `grants` from the given querysets (the live models, or a migration's);
    write the ones that changed. Returns how many changed. `every`: the grants are all of
    them, so the records are read whole rather than filtered by a list of people."""
    rows = list(grants.only("pk", "person_id", "facility_id", "kind", "level_approved", *FIELDS))
    if not rows:
        return 0
    tracked = tracked_courses(courses.order_by("pk"))
    done = completions.filter(course__in=[c.pk for c in tracked])
    tested = tests
    if not every:
        people = {g.person_id for g in rows}
        done = done.filter(person__in=people)
        tested = tested.filter(person__in=people)
    last_done: dict[tuple[int, int, int | None], date] = {}
    for row in done.values("person", "course", "facility").annotate(last=Max("completed_on")):
        per_facility = next(c.per_facility for c in tracked if c.pk == row["course"])
        key = (row["person"], row["course"], row["facility"] if per_facility else None)
        if key not in last_done or row["last"] > last_done[key]:
            last_done[key] = row["last"]
    latest_test: dict[int, Any] = {}
    # Newest first: the first row read of each person is their latest test.
    for test in tested.order_by("person", "-tested_on", "-pk").only(
        "person_id", "result", "valid_until"
    ):
        latest_test.setdefault(test.person_id, test)
    # Written as one UPDATE per field and value (a date is shared by many grants), not by
    # bulk_update, whose CASE over every primary key took half a minute at 20,000 grants.
    moves: dict[tuple[str, Any], list[int]] = defaultdict(list)
    changed = 0
    for grant in rows:
        values = dates_of(grant, tracked, last_done, latest_test)
        differ = [(name, value) for name, value in values.items() if getattr(grant, name) != value]
        changed += bool(differ)
        for move in differ:
            moves[move].append(grant.pk)
    manager = grants.model._default_manager
    for (name, value), ids in moves.items():
        for start in range(0, len(ids), BATCH):
            manager.filter(pk__in=ids[start : start + BATCH]).update(**{name: value})
    return changed


def asked_versions(versions: QuerySet[Any], today: date) -> list[int]:
    """The versions people are asked to sign as of `today`: each kind's latest already in
    effect (AgreementVersionQuerySet.in_effect) and every one still to come. Read as rows,
    so the migration that added the unsigned rows works them out the same way."""
    latest: dict[str, tuple[date, int, int]] = {}
    coming = []
    for v in versions.values("pk", "kind", "version", "effective_on"):
        if v["effective_on"] > today:
            coming.append(v["pk"])
        elif v["kind"] not in latest or (v["effective_on"], v["version"]) > latest[v["kind"]][:2]:
            latest[v["kind"]] = (v["effective_on"], v["version"], v["pk"])
    return sorted([pk for _day, _number, pk in latest.values()] + coming)


def refresh_unsigned(
    people: set[int] | None,
    *,
    holders: QuerySet[Any],
    versions: QuerySet[Any],
    signatures: QuerySet[Any],
    unsigned: QuerySet[Any],
    today: date,
) -> int:
    """Make `unsigned` (UnsignedAgreement rows) hold, for `people` (every person holding a
    grant in `holders` when None), exactly the asked versions each has not signed. A
    version superseded later keeps its rows until the person's next refresh: harmless, as
    the report only asks about the versions asked on its own day."""
    every = people is None
    if people is None:
        people = set(holders.values_list("person", flat=True))
    asked = asked_versions(versions, today)
    signed_rows = signatures.filter(version__in=asked)
    existing_rows = unsigned
    if not every:
        signed_rows = signed_rows.filter(person__in=people)
        existing_rows = existing_rows.filter(person__in=people)
    signed = set(signed_rows.values_list("person", "version"))
    wanted = {(p, v) for p in people for v in asked} - signed
    existing = {(p, v): pk for pk, p, v in existing_rows.values_list("pk", "person", "version")}
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    for start in range(0, len(stale), BATCH):
        unsigned.filter(pk__in=stale[start : start + BATCH]).delete()
    model = unsigned.model
    model._default_manager.bulk_create(
        [model(person_id=p, version_id=v) for p, v in wanted - existing.keys()],
        batch_size=BATCH,
        ignore_conflicts=True,  # the people are locked; this only keeps a rerun harmless
    )
    return len(stale) + len(wanted - existing.keys())


@transaction.atomic
def refresh(
    *,
    people: Iterable[int] | None = None,
    grants: Iterable[int] | None = None,
    today: date | None = None,
) -> int:
    """Recompute the grants of `people` (person ids), or the `grants` given (ids), and
    those people's unsigned agreements as of `today`; every grant and holder when neither
    is given. Returns how many grants changed.

    Race safety: the people are locked (in id order) before their records are read, so
    of two writers recording for one person at once the second waits, then reads the
    first one's record too (each statement sees what was committed before it); a whole
    refresh (a course changed, a version published) locks every holder, so it neither
    overwrites a fresher refresh nor is overwritten. The person first, as signing and
    the hours service lock it: the grant's own lock (the lifecycle) takes no person."""
    queryset = FacilityAccess.objects.all()
    every = people is None and grants is None
    if people is not None:
        queryset = queryset.filter(person__in=list(people))
    if grants is not None:
        queryset = queryset.filter(pk__in=list(grants))
    holders = Person.objects.filter(pk__in=queryset.values("person")).order_by("pk")
    # FOR NO KEY UPDATE: a writer that has just inserted a record for the person holds a
    # key-share lock on the person's row (the foreign key); a plain FOR UPDATE by two such
    # writers would wait on each other's key share.
    locked = set(holders.select_for_update(no_key=True).values_list("pk", flat=True))
    changed = refresh_grants(
        queryset,
        courses=Course.objects.all(),
        completions=TrainingCompletion.objects.all(),
        tests=TBTest.objects.all(),
        every=every,
    )
    refresh_unsigned(
        None if every else locked,
        holders=FacilityAccess.objects.all(),
        versions=AgreementVersion.objects.all(),
        signatures=AgreementSignature.objects.all(),
        unsigned=UnsignedAgreement.objects.all(),
        today=today or age.today(),
    )
    return changed
