"""Two coordinators decide the same application at the same moment: one decision wins."""

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from accounts.models import User
from applications.models import Application, EventKind, Status
from applications.services import IllegalMove
from facilities.models import Facility, Role
from screening import services
from tests.conftest import member
from tests.screening.helpers import ready_for_approval
from volunteers.models import FacilityAccess

ALREADY_MOVED = re.compile(
    r"This application was already moved to “(Approved|Declined)” by \S+@\S+ "
    r"at [A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]\.?M\.?\."  # as people read times
)


pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serializes writers; the race needs PostgreSQL"
)


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run `actions` in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results[index] = action()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


# tests/conftest.py seeds the step requirements again after a flush removed them.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_approve_and_decline_at_once(facility: Facility, iac: User, attempt: int) -> None:
    site = member(facility, Role.SITE_COORDINATOR)
    application = ready_for_approval(facility, by=iac)
    assert services.approval_problems(application) == []

    results = race(
        lambda: services.approve_application(application=application, by=iac, level="no_contact"),
        lambda: services.decline_application(
            application=application, by=site, reason="other", note="Crossed wires."
        ),
    )

    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results
    (failure,) = failures
    assert isinstance(failure, IllegalMove), repr(failure)
    assert ALREADY_MOVED.fullmatch(str(failure)), str(failure)
    application.refresh_from_db()
    decisions = application.events.filter(
        kind=EventKind.STATUS, to_status__in=[Status.APPROVED, Status.DECLINED]
    )
    assert decisions.count() == 1
    decision = decisions.get()
    assert decision.to_status == application.status
    winner = iac if application.status == Status.APPROVED else site
    assert decision.actor == winner
    assert winner.email in str(failure)
    grants = FacilityAccess.objects.filter(application=application).count()
    assert grants == (1 if application.status == Status.APPROVED else 0)


# tests/conftest.py seeds the step requirements again after a flush removed them.
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_make_one_grant(facility: Facility, iac: User) -> None:
    site = member(facility, Role.SITE_COORDINATOR)
    application = ready_for_approval(facility, by=iac)
    assert services.approval_problems(application) == []

    results = race(
        *[
            lambda by=by: services.approve_application(
                application=application, by=by, level="no_contact"
            )
            for by in (iac, site)
        ]
    )

    assert sum(isinstance(r, FacilityAccess) for r in results) == 1, results
    (failure,) = [r for r in results if isinstance(r, Exception)]
    assert isinstance(failure, IllegalMove)
    assert ALREADY_MOVED.fullmatch(str(failure)), str(failure)
    assert FacilityAccess.objects.filter(application=application).count() == 1
    assert (
        Application.objects.get(pk=application.pk)
        .events.filter(kind=EventKind.STATUS, to_status=Status.APPROVED)
        .count()
        == 1
    )
