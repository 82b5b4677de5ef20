"""reviewed_at, the first move to in review: status.transition keeps it, migration 0010
backfills it from the event log (the pipeline report's "reached review" counts it)."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.db import transaction

from applications.models import Application, ApplicationEvent, EventKind, Status
from applications.services import transition
from facilities.models import Facility
from tests.applications.test_transitions import in_status

pytestmark = pytest.mark.django_db


def move(application: Application, to: str, mover: str) -> Application:
    fields = {"decline_reason": "other"} if to == Status.DECLINED else {}
    with transaction.atomic():
        return transition(application=application, to=to, by="tests", mover=mover, **fields)


def test_the_first_move_to_review_sets_it_and_later_ones_keep_it(facility: Facility) -> None:
    application = in_status(facility, Status.SUBMITTED)
    assert application.reviewed_at is None

    reviewed = move(application, Status.IN_REVIEW, "record")
    first = reviewed.reviewed_at
    assert first is not None
    assert first == reviewed.status_changed_at
    move(application, Status.INFO_REQUESTED, "record")
    back = move(application, Status.IN_REVIEW, "applicant")
    move(application, Status.APPROVED, "decide")

    application.refresh_from_db()
    assert back.status_changed_at > first
    assert application.reviewed_at == first


def test_moves_that_skip_review_leave_it_empty(facility: Facility) -> None:
    declined = move(in_status(facility, Status.SUBMITTED), Status.DECLINED, "decide")
    withdrawn = move(in_status(facility, Status.SUBMITTED), Status.WITHDRAWN, "applicant")

    for application in (declined, withdrawn):
        application.refresh_from_db()
        assert application.reviewed_at is None


def test_the_migration_backfills_the_first_move_to_review(facility: Facility) -> None:
    twice, never = in_status(facility, Status.IN_REVIEW), in_status(facility, Status.WITHDRAWN)
    moments = {}
    for application, to, day in (
        (twice, Status.IN_REVIEW, 3),
        (twice, Status.INFO_REQUESTED, 4),
        (twice, Status.IN_REVIEW, 9),
        (never, Status.WITHDRAWN, 2),
    ):
        event = ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.STATUS,
            from_status=Status.SUBMITTED,
            to_status=to,
        )
        moments[event.pk] = datetime(2025, 3, day, 15, tzinfo=UTC)
    for pk, moment in moments.items():
        ApplicationEvent.objects.filter(pk=pk).update(at=moment)
    Application.objects.update(reviewed_at=None)

    migration = importlib.import_module("applications.migrations.0011_application_reviewed_at")
    migration.backfill(apps, None)

    twice.refresh_from_db()
    never.refresh_from_db()
    assert twice.reviewed_at == datetime(2025, 3, 3, 15, tzinfo=UTC)
    assert never.reviewed_at is None
