"""Issue 9 §6: `run_daily` twice on one day over a dataset that gives every job work: the
second run changes nothing (no row written, changed or deleted in any table, no e-mail).
And each job called twice directly finds nothing more to do the second time, so the jobs
are idempotent by themselves, not only behind the day's SweepRun row."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import AccessLevel, InformationRequest
from applications.services import request_information
from facilities.models import Facility
from screening import services as screening
from tests.factories import submitted_application
from tests.volunteers.activation_helpers import active_grant, born_turning, not_leap_day
from tests.volunteers.test_agreements import publish
from volunteers import kiosk
from volunteers.compliance import add_months
from volunteers.models import FacilityAccess, SweepRun
from volunteers.services import suspend_access
from volunteers.sweep import Digest, daily_jobs, run_daily

pytestmark = pytest.mark.django_db


def every_row() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: what "changes nothing" compares."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for model in apps.get_models()
    }


def a_day_with_work_for_every_job(facility: Facility, iac: User) -> None:
    today = age.today()
    # Access that lapsed yesterday.
    lapsed = active_grant(facility, by=iac)
    FacilityAccess.objects.filter(pk=lapsed.pk).update(expires_on=today - timedelta(days=1))
    # Access expiring in 60 and in 7 days.
    for days in (60, 7):
        grant = active_grant(facility, by=iac)
        FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=today + timedelta(days=days))
    # Approved for contact, activated at 18 as no contact, and 19 today: the upgrade awaits
    # a decision (activated a month before the birthday, then time passes).
    minor = active_grant(
        facility,
        by=iac,
        level=AccessLevel.CONTACT,
        born=born_turning(19, not_leap_day(today + timedelta(days=30))),
    )
    assert minor.contact_eligible_on is not None
    FacilityAccess.objects.filter(pk=minor.pk).update(contact_eligible_on=today)
    # Active for over a year without approved hours.
    idle_since = add_months(today, -12) - timedelta(days=1)
    active_grant(facility, by=iac, on=idle_since)
    # Signed in at the kiosk yesterday evening and never signed out.
    device, _token = kiosk.enrol_device(facility=facility, name="Front desk", by=iac)
    visitor = active_grant(facility, by=iac, on=today - timedelta(days=1))
    yesterday_evening = timezone.make_aware(
        datetime.combine(today - timedelta(days=1), time(18, 0))
    )
    kiosk.scan_badge(device=device, entered=visitor.badge_number or "", now=yesterday_evening)
    # A suspension due for review today (the service takes only later dates: then time passes).
    suspended = suspend_access(
        grant=active_grant(facility, by=iac),
        by=iac,
        reason="Badge left in the visiting room",
        review_on=today + timedelta(days=1),
    )
    FacilityAccess.objects.filter(pk=suspended.pk).update(review_on=today)
    # An information request past its deadline.
    application = screening.start_review(
        application=submitted_application(facility=facility), by=iac
    )
    request_information(
        application=application,
        by=iac,
        message="Which evenings are you free?",
        sections=[S.PLACEMENT],
        due_on=today + timedelta(days=30),
    )
    InformationRequest.objects.filter(application=application).update(
        due_on=today - timedelta(days=1)
    )
    # Agreements published after everyone's activation: one due in 7 days, one overdue.
    publish(kind="code_of_conduct", days_ago=23)
    publish(kind="confidentiality", days_ago=31)


def test_run_daily_twice_on_one_day_changes_nothing_the_second_time(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    a_day_with_work_for_every_job(facility, iac)
    mail.outbox.clear()
    day = age.today().isoformat()

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_daily", date=day, stdout=out)
    summary = SweepRun.objects.get().summary
    assert [name for name, count in summary.items() if count == 0] == [], summary
    assert set(summary) == {job.__name__ for job in daily_jobs()}
    sent = len(mail.outbox)
    assert sent > 0
    rows = every_row()

    again = StringIO()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command("run_daily", date=day, stdout=again)
    assert again.getvalue().strip() == f"The sweep for {day} already ran; nothing to do."
    assert callbacks == []
    assert len(mail.outbox) == sent
    assert every_row() == rows


def test_each_job_called_twice_does_nothing_the_second_time(facility: Facility, iac: User) -> None:
    a_day_with_work_for_every_job(facility, iac)
    today = age.today()
    for job in daily_jobs():
        first = Digest()
        job(today, first)
        assert first.coordinators or first.people, job.__name__
        rows = every_row()

        second = Digest()
        assert job(today, second) == 0, job.__name__
        assert (dict(second.coordinators), dict(second.people)) == ({}, {}), job.__name__
        assert every_row() == rows, job.__name__


def test_the_sweep_logs_its_outcome_and_a_repeated_run(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="pic.sweep"):
        run_daily(today=date(2027, 3, 1))
        run_daily(today=date(2027, 3, 1))

    lines = [r.getMessage() for r in caplog.records if r.name == "pic.sweep"]
    assert lines[0].startswith("daily sweep for 2027-03-01 done: {")
    assert '"expire_access"' in lines[0]
    assert lines[1] == "daily sweep for 2027-03-01 already ran; nothing done"
