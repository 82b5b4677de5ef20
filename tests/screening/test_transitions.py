"""Every pair of statuses, by every mover, through the one status service: allowed or refused."""

import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import (
    ALSO_BY_RECORD,
    TRANSITIONS,
    ApplicationEvent,
    EventKind,
    Mover,
    Status,
)
from applications.services import IllegalMove, transition
from facilities.models import Facility
from tests.screening.helpers import application_in

S, M = Status, Mover
# DESIGN's Workflow table, written out again so the map is checked against the design
# rather than against itself: (from, to) → who may make the move.
DESIGN_MOVES: dict[tuple[str, str], set[str]] = {
    (S.DRAFT, S.SUBMITTED): {M.APPLICANT},
    (S.DRAFT, S.WITHDRAWN): {M.APPLICANT},
    (S.SUBMITTED, S.IN_REVIEW): {M.RECORD},
    (S.SUBMITTED, S.DECLINED): {M.DECIDE},
    (S.SUBMITTED, S.WITHDRAWN): {M.APPLICANT},
    (S.IN_REVIEW, S.INFO_REQUESTED): {M.RECORD},
    (S.IN_REVIEW, S.APPROVED): {M.DECIDE},
    (S.IN_REVIEW, S.DECLINED): {M.DECIDE},
    (S.IN_REVIEW, S.WITHDRAWN): {M.APPLICANT},
    # The applicant answers; or a coordinator records it was answered another way.
    (S.INFO_REQUESTED, S.IN_REVIEW): {M.APPLICANT, M.RECORD},
    (S.INFO_REQUESTED, S.DECLINED): {M.DECIDE},
    (S.INFO_REQUESTED, S.WITHDRAWN): {M.APPLICANT},
}

CASES = list(itertools.product(Status.values, Status.values, Mover.values))


def test_the_map_is_the_design_table() -> None:
    from_map: dict[tuple[str, str], set[str]] = {
        (f, t): {m} for f, targets in TRANSITIONS.items() for t, m in targets.items()
    }
    for pair in ALSO_BY_RECORD:
        from_map[pair].add(Mover.RECORD)
    assert from_map == DESIGN_MOVES
    # Final statuses have no way out.
    for final in (S.APPROVED, S.DECLINED, S.WITHDRAWN):
        assert not TRANSITIONS.get(final)


def test_the_cases_cover_every_pair_and_mover() -> None:
    assert len(CASES) == len(Status.values) ** 2 * len(Mover.values) == 147


def _fields_for(to: str) -> dict[str, object]:
    """What the database requires along with a move (the services normally supply it)."""
    if to == S.DECLINED:
        return {"decline_reason": "other"}
    if to == S.SUBMITTED:
        return {"reference": "PIC-1999-000001", "submitted_at": timezone.now()}
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "to", "mover"), CASES, ids=["-".join(c) for c in CASES])
def test_transition(
    facility: Facility, pic_coordinator: User, source: str, to: str, mover: str
) -> None:
    application = application_in(source, facility, by=pic_coordinator)
    assert application.status == source
    events_before = list(application.events.values_list("pk", flat=True))
    changed_at = application.status_changed_at
    allowed = mover in DESIGN_MOVES.get((source, to), set())

    if allowed:
        with transaction.atomic():
            moved = transition(
                application=application,
                to=to,
                by=pic_coordinator,
                mover=mover,
                text="a move",
                **_fields_for(to),
            )
        assert moved.status == to
        application.refresh_from_db()
        assert application.status == to
        new = ApplicationEvent.objects.filter(application=application).exclude(pk__in=events_before)
        assert new.count() == 1
        event = new.get()
        assert (event.kind, event.from_status, event.to_status) == (EventKind.STATUS, source, to)
        assert event.actor == pic_coordinator
        assert application.status_changed_at is not None
        assert application.status_changed_at != changed_at
    else:
        with pytest.raises(IllegalMove), transaction.atomic():
            transition(
                application=application,
                to=to,
                by=pic_coordinator,
                mover=mover,
                **_fields_for(to),
            )
        application.refresh_from_db()
        assert application.status == source
        assert application.status_changed_at == changed_at
        assert list(application.events.values_list("pk", flat=True)) == events_before
