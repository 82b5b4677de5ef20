"""The status machine against DESIGN's Workflow table: every move, allowed and refused."""

import itertools

import pytest
from django.db import transaction

from applications.models import Application, EventKind, Kind, Mover, Status
from applications.services import IllegalMove, transition
from facilities.models import Facility
from tests.factories import applicant

pytestmark = pytest.mark.django_db

# DESIGN, Workflow: from -> to (who may make each move).
ALLOWED = {
    ("draft", "submitted", "applicant"),
    ("draft", "withdrawn", "applicant"),
    ("submitted", "in_review", "record"),
    ("submitted", "declined", "decide"),
    ("submitted", "withdrawn", "applicant"),
    ("in_review", "info_requested", "record"),
    ("in_review", "approved", "decide"),
    ("in_review", "declined", "decide"),
    ("in_review", "withdrawn", "applicant"),
    ("info_requested", "in_review", "applicant"),
    ("info_requested", "in_review", "record"),
    ("info_requested", "declined", "decide"),
    ("info_requested", "withdrawn", "applicant"),
}
NUMBERS = itertools.count(1)
CASES = list(itertools.product(Status.values, Status.values, Mover.values))


def in_status(facility: Facility, status: str, *, reference: bool | None = None) -> Application:
    if reference is None:
        reference = status != Status.DRAFT
    return Application.objects.create(
        person=applicant(),
        facility=facility,
        kind=Kind.VOLUNTEER,
        status=status,
        reference=f"PIC-2026-{next(NUMBERS):06d}" if reference else None,
        submitted_at=None,
        decline_reason="other" if status == Status.DECLINED else "",
    )


@pytest.mark.parametrize(("from_", "to", "mover"), CASES)
def test_every_move(facility: Facility, from_: str, to: str, mover: str) -> None:
    # submit_application gives the reference before the move; a bare move needs one too.
    application = in_status(facility, from_, reference=from_ != "draft" or to == "submitted")
    fields = {"decline_reason": "other"} if to == Status.DECLINED else {}

    if (from_, to, mover) in ALLOWED:
        with transaction.atomic():
            moved = transition(
                application=application, to=to, by="tests", mover=mover, text="why", **fields
            )
        assert moved.status == to
        moved.refresh_from_db()
        assert moved.status == to
        assert moved.status_changed_at is not None
        assert (moved.decided_at is not None) == (to in ("approved", "declined"))
        event = moved.events.get()
        assert (event.kind, event.from_status, event.to_status) == (EventKind.STATUS, from_, to)
        assert event.actor_label == "tests"
        assert event.text == "why"
    else:
        with pytest.raises(IllegalMove), transaction.atomic():
            transition(application=application, to=to, by="tests", mover=mover, **fields)
        application.refresh_from_db()
        assert application.status == from_
        assert not application.events.exists()


def test_the_map_is_the_design_table() -> None:
    from applications.models import ALSO_BY_RECORD, TRANSITIONS

    from_map = {(f, t, m) for f, moves in TRANSITIONS.items() for t, m in moves.items()}
    from_map |= {(f, t, Mover.RECORD.value) for f, t in ALSO_BY_RECORD}
    assert {(str(f), str(t), str(m)) for f, t, m in from_map} == ALLOWED


def test_can_transition_to(facility: Facility) -> None:
    application = in_status(facility, Status.SUBMITTED)

    assert application.can_transition_to(Status.IN_REVIEW)
    assert not application.can_transition_to(Status.APPROVED)
    assert not in_status(facility, Status.WITHDRAWN).can_transition_to(Status.SUBMITTED)


def test_a_repeated_move_says_who_made_it(facility: Facility, iac) -> None:
    application = in_status(facility, Status.SUBMITTED)
    with transaction.atomic():
        transition(application=application, to=Status.IN_REVIEW, by=iac, mover="record")

    with pytest.raises(IllegalMove) as refused, transaction.atomic():
        transition(application=application, to=Status.IN_REVIEW, by=iac, mover="record")

    assert "already moved to “In review” by" in str(refused.value)
    assert iac.email in str(refused.value)


def test_an_impossible_move_says_so(facility: Facility) -> None:
    application = in_status(facility, Status.DRAFT)

    with pytest.raises(IllegalMove) as refused, transaction.atomic():
        transition(application=application, to=Status.APPROVED, by="tests", mover="decide")

    assert str(refused.value) == "An application that is “Draft” cannot be moved to “Approved”."
