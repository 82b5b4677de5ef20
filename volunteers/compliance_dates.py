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
from django.db.models import Max, Q, QuerySet

from applications import age
from applications.models import Person
from volunteers.compliance import add_months
from volunteers.models import (
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    TBTest,
    TrainingCompletion,
    UnsignedAgreement,
)

FIELDS = ("trainings_expire_on", "training_missing", "tb_clear_until")
BATCH = 500  # ids per statement: below SQLite's 999 parameters


def dates_of(
    grant: FacilityAccess,
    courses: list[Course],
    last_done: Mapping[tuple[int, int, int | None], date],
    latest_test: TBTest | None,
) -> dict[str, Any]:
    """One grant's dates: `last_done` maps (person, course, facility or None) to the
    latest completion day of the renewed `courses`; `latest_test` is the person's."""
    expiries: list[date] = []
    missing = False
    for course in courses:
        if not course.applies_to(grant.kind, grant.level_approved):
            continue
        where = grant.facility_id if course.per_facility else None
        done = last_done.get((grant.person_id, course.pk, where))
        if done is None:
            missing = True
        else:
            assert course.validity_months is not None
            expiries.append(add_months(done, course.validity_months))
    clear = latest_test is not None and latest_test.is_clear
    return {
        "trainings_expire_on": min(expiries, default=None),
        "training_missing": missing,
        "tb_clear_until": latest_test.valid_until if latest_test and clear else None,
    }


def _refresh_grants(grants: QuerySet[FacilityAccess], people: set[int] | None) -> int:
    """Recompute `grants` (of `people`, or every grant when None) and write the ones that
    changed. Returns how many changed."""
    fields = ("pk", "person_id", "facility_id", "kind", "level_approved", *FIELDS)
    rows = list(grants.only(*fields))
    # The renewed courses: active, with a validity; the annual in-service (its hours are
    # the report's other table) is not one.
    courses = list(
        Course.objects.filter(
            is_active=True, validity_months__isnull=False, annual_hours_required__isnull=True
        ).order_by("pk")
    )
    per_facility = {c.pk: c.per_facility for c in courses}
    done = TrainingCompletion.objects.filter(course__in=list(per_facility))
    tests = TBTest.objects.all()
    if people is not None:
        done = done.filter(person__in=people)
        tests = tests.filter(person__in=people)
    last_done: dict[tuple[int, int, int | None], date] = {}
    for row in done.values("person", "course", "facility").annotate(last=Max("completed_on")):
        where = row["facility"] if per_facility[row["course"]] else None
        key = (row["person"], row["course"], where)
        last_done[key] = max(last_done.get(key, row["last"]), row["last"])
    latest_test: dict[int, TBTest] = {}
    # Newest first: the first row read of each person is their latest test.
    for test in tests.order_by("person", "-tested_on", "-pk").only(
        "person_id", "result", "valid_until"
    ):
        latest_test.setdefault(test.person_id, test)
    # Written as one UPDATE per field and value (a date is shared by many grants), not by
    # bulk_update, whose CASE over every primary key took half a minute at 20,000 grants.
    moves: dict[tuple[str, Any], list[int]] = defaultdict(list)
    changed = 0
    for grant in rows:
        values = dates_of(grant, courses, last_done, latest_test.get(grant.person_id))
        differ = [(name, value) for name, value in values.items() if getattr(grant, name) != value]
        changed += bool(differ)
        for move in differ:
            moves[move].append(grant.pk)
    for (name, value), ids in moves.items():
        for start in range(0, len(ids), BATCH):
            FacilityAccess.objects.filter(pk__in=ids[start : start + BATCH]).update(**{name: value})
    return changed


def _refresh_unsigned(people: set[int] | None, today: date) -> None:
    """Make the UnsignedAgreement rows of `people` (every grant holder when None) exactly
    the versions asked as of `today` (each kind's in effect, and every one to come) that
    each has not signed. A version superseded later keeps its rows until the person's next
    refresh: harmless, as the report only asks about the versions asked on its own day."""
    unsigned = UnsignedAgreement.objects.all()
    signatures = AgreementSignature.objects.all()
    if people is None:
        people = set(FacilityAccess.objects.values_list("person", flat=True))
    else:
        unsigned = unsigned.filter(person__in=people)
        signatures = signatures.filter(person__in=people)
    asked = list(
        AgreementVersion.objects.filter(
            Q(pk__in=AgreementVersion.objects.in_effect(today).values("pk"))
            | Q(effective_on__gt=today)
        ).values_list("pk", flat=True)
    )
    signed = set(signatures.filter(version__in=asked).values_list("person", "version"))
    wanted = {(p, v) for p in people for v in asked} - signed
    existing = {(p, v): pk for pk, p, v in unsigned.values_list("pk", "person", "version")}
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    for start in range(0, len(stale), BATCH):
        UnsignedAgreement.objects.filter(pk__in=stale[start : start + BATCH]).delete()
    UnsignedAgreement.objects.bulk_create(
        [UnsignedAgreement(person_id=p, version_id=v) for p, v in wanted - existing.keys()],
        batch_size=BATCH,
        ignore_conflicts=True,  # the people are locked; this only keeps a rerun harmless
    )


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
    changed = _refresh_grants(queryset, None if every else locked)
    _refresh_unsigned(None if every else locked, today or age.today())
    return changed
