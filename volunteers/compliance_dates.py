"""Each grant's compliance dates (FacilityAccess.trainings_expire_on, training_missing and
tb_clear_until), kept in step with the records they come from, so that the statewide
compliance report compares dates on the grants instead of finding every person's latest
completion and TB test in each request.

The writers call `refresh` in the same transaction: recording a completion or a TB test
(volunteers.activation), a new grant (volunteers.services.grants), a merge
(volunteers.services.people), a course saved in the admin (every grant), and
`seed_bench` after loading. They are dates, not states: a state (current, expiring,
lapsed) depends on the day the report is read, and is worked out then.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet

from volunteers.compliance import add_months
from volunteers.models import Course, FacilityAccess, TBResult, TBTest, TrainingCompletion

CLEAR = (TBResult.NEGATIVE, TBResult.POSITIVE_CLEARED)
FIELDS = ("trainings_expire_on", "training_missing", "tb_clear_until")


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
        for start in range(0, len(ids), 2000):  # SQLite's limit on a statement's parameters
            manager.filter(pk__in=ids[start : start + 2000]).update(**{name: value})
    return changed


@transaction.atomic
def refresh(*, people: Iterable[int] | None = None, grants: Iterable[int] | None = None) -> int:
    """Recompute the grants of `people` (person ids), or the `grants` given (ids); every
    grant when neither is given.

    Race safety: the grants are locked before the records are read, so of two writers
    recording for one person at once the second waits, then reads the first one's record
    too (each statement sees what was committed before it). The whole refresh (a course
    changed, a load) locks nothing: it only reads and writes the dates."""
    queryset = FacilityAccess.objects.all()
    every = people is None and grants is None
    if people is not None:
        queryset = queryset.filter(person__in=list(people))
    if grants is not None:
        queryset = queryset.filter(pk__in=list(grants))
    if not every:
        list(queryset.select_for_update().values_list("pk", flat=True))
    return refresh_grants(
        queryset,
        courses=Course.objects.all(),
        completions=TrainingCompletion.objects.all(),
        tests=TBTest.objects.all(),
        every=every,
    )
