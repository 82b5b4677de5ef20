"""Two requests at once: a double click never makes two submissions or two drafts."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from applications.models import Application, ApplicationEvent, EventKind, Kind, ReferenceCounter
from applications.services import AlreadyLive, start_application, submit_application
from facilities.models import Facility
from tests.factories import applicant, draft_application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer on its one file lock, so two "
            "threads never really race (run with scripts/with_postgres.py)"
        )


def at_once(work: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Run `work` in `threads` threads released together; their results or exceptions."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_submits_at_once_make_one_event_and_one_reference(
    facility: Facility, round_: int
) -> None:
    application = draft_application(facility=facility)
    mail.outbox.clear()

    results = at_once(
        lambda: submit_application(application=Application.objects.get(pk=application.pk), by=None)
    )

    assert all(isinstance(result, Application) for result in results), results
    assert results[0].reference == results[1].reference
    application.refresh_from_db()
    assert application.status == "submitted"
    assert (
        ApplicationEvent.objects.filter(application=application, kind=EventKind.STATUS).count() == 1
    )
    assert Application.objects.exclude(reference=None).count() == 1
    assert ReferenceCounter.objects.get().last == 1
    assert [m.to for m in mail.outbox] == [["jordan.rivera@example.org"]]


@pytest.mark.parametrize("round_", range(3))
def test_two_starts_at_once_make_one_draft(facility: Facility, round_: int) -> None:
    person = applicant()

    results = at_once(
        lambda: start_application(
            by=person.user, person=person, facility=facility, kind=Kind.VOLUNTEER
        )
    )

    drafts = [r for r in results if isinstance(r, Application)]
    refusals = [r for r in results if isinstance(r, AlreadyLive)]
    assert len(drafts) == 1, results
    assert len(refusals) == 1, results
    assert refusals[0].existing.pk == drafts[0].pk
    assert Application.objects.filter(person=person).count() == 1
