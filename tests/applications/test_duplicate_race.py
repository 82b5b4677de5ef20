"""Many possible duplicates of each other submit at the same moment: none deadlocks.

Every submitter flags the others (same normalized name and date of birth, or the same
Social Security number), so each transaction writes flag rows that point at the others'
people while they do the same. Before the fix, a submission locked its person and facility
rows with the application and then waited to reference another submitter's person:
PostgreSQL found the cycle and killed one of them ("deadlock detected", an HTTP 500).
"""

import itertools
import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection, connections

from applications import sections as S
from applications.models import Application, DuplicateReason, PossibleDuplicate, Status
from applications.samples import sample_answers
from applications.services import start_application, submit_application
from facilities.models import Facility
from tests.factories import FacilityFactory, applicant, fill_section

pytestmark = pytest.mark.django_db(transaction=True)

BORN = date(1985, 3, 14)
SAME_SSN = "123-45-6789"
OTHER_SSN = "987-65-4321"


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer on its one file lock, so the "
            "threads never really race (run with scripts/with_postgres.py)"
        )


def draft(facility: Facility, *, ssn: str, last: str) -> Application:
    """A complete draft of Jordan Rivera, born BORN (the name written as `last` spells it)."""
    person = applicant()
    application = start_application(
        by=person.user, person=person, facility=facility, kind="volunteer"
    )
    data = sample_answers("volunteer", born=BORN, first="Jordan", last=last)
    data[S.IDENTITY]["ssn"] = ssn
    for slug, section in data.items():
        application = fill_section(application, slug, section)
    return application


def submit_all_at_once(applications: list[Application]) -> list[Any]:
    barrier = threading.Barrier(len(applications))
    results: list[Any] = [None] * len(applications)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            application = Application.objects.get(pk=applications[index].pk)
            results[index] = submit_application(application=application, by=None)
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(applications))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.parametrize("round_", range(2))
def test_sixteen_possible_duplicates_submit_at_once(round_: int) -> None:
    facilities = [FacilityFactory.create() for _ in range(4)]
    # Eight share a Social Security number, seven gave none, one gave another number.
    # The spelling varies ("Rivera", "RIVERA", "Ri-vera"): names compare on letters only.
    spellings = itertools.cycle(["Rivera", "RIVERA", "Ri-vera", "rivera"])
    ssns = [SAME_SSN] * 8 + [""] * 7 + [OTHER_SSN]
    applications = [
        draft(facilities[i % len(facilities)], ssn=ssn, last=next(spellings))
        for i, ssn in enumerate(ssns)
    ]
    people = [a.person_id for a in applications]
    same, none, other = people[:8], people[8:15], people[15]

    results = submit_all_at_once(applications)

    assert all(isinstance(r, Application) for r in results), results
    assert Application.objects.filter(status=Status.SUBMITTED).count() == 16
    assert len({r.reference for r in results}) == 16
    flags = {
        frozenset((f.person_id, f.other_id)): f.reason for f in PossibleDuplicate.objects.all()
    }
    expected: dict[frozenset[int], str] = {}
    for a, b in itertools.combinations(people, 2):
        if a in same and b in same:
            expected[frozenset((a, b))] = DuplicateReason.SSN
        elif other in (a, b) and (a in same or b in same):
            continue  # two different numbers contradict the name and birth date
        else:
            expected[frozenset((a, b))] = DuplicateReason.NAME_AND_BIRTH
    assert len(expected) == 28 + 8 * 7 + 21 + 7
    assert flags == expected
    assert len(none) == 7
