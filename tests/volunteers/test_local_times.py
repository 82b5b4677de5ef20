"""Issue 8 item 5: every time a person reads is Missouri's (America/Chicago), never UTC.

A session at 04:30 UTC on December 9 is 10:30 PM on December 8 in Missouri: printed from the
UTC value it would show the wrong hour and the wrong day."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from facilities.models import Facility
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    course,
    grant_at,
)
from volunteers import activation
from volunteers.models import TrainingSession, local_time_label

pytestmark = pytest.mark.django_db

NEAR_MIDNIGHT_UTC = datetime(2036, 12, 9, 4, 30, tzinfo=UTC)  # Dec 8, 10:30 PM in Missouri


def late_session(facility: Facility, by: User) -> TrainingSession:
    return activation.schedule_session(
        by=by,
        course=course(FACILITY_ORIENTATION),
        facility=facility,
        place="Chapel",
        starts_at=NEAR_MIDNIGHT_UTC,
        ends_at=NEAR_MIDNIGHT_UTC + timedelta(hours=1),
        capacity=5,
    )


def assert_missouri_time(text: str) -> None:
    assert "10:30" in text, text
    assert "PM" in text, text
    assert "4:30" not in text, text
    assert re.search(r"Dec(\.|ember)? 8\b", text), text
    assert not re.search(r"Dec(\.|ember)? 9\b", text), text


def test_the_label_is_in_missouri_time() -> None:
    assert_missouri_time(local_time_label(NEAR_MIDNIGHT_UTC))


def test_a_session_names_itself_in_missouri_time(facility: Facility, iac: User) -> None:
    assert_missouri_time(str(late_session(facility, iac)))


def test_staff_pages_show_the_session_in_missouri_time(
    client: Client, facility: Facility, iac: User
) -> None:
    session = late_session(facility, iac)
    grant = grant_at(facility, by=iac)
    client.force_login(iac)

    # The access page offers the session in a choice list before sign-up ...
    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content
    assert_missouri_time(_option(page.decode(), session))
    activation.enrol(session=session, person=grant.person, by=iac)
    # ... and lists it once signed up; the session pages show it too.
    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content
    assert_missouri_time(_between(page.decode(), "Signed up for", "</ul>"))
    page = client.get(reverse("volunteers:session", args=[facility.code, session.pk])).content
    assert_missouri_time(_between(page.decode(), 'class="lead"', "</p>"))
    page = client.get(reverse("volunteers:sessions", args=[facility.code])).content
    line = next(line for line in page.decode().splitlines() if "Chapel" in line)
    assert_missouri_time(line)


def test_the_applicant_sees_the_same_time(client: Client, facility: Facility, iac: User) -> None:
    session = late_session(facility, iac)
    grant = grant_at(facility, by=iac)
    activation.enrol(session=session, person=grant.person, by=iac)
    client.force_login(grant.person.user)
    page = client.get(reverse("volunteers_portal:access")).content.decode()
    assert_missouri_time(_between(page, "Sessions I signed up for", "</ul>"))


def test_the_audit_log_reads_in_missouri_time() -> None:
    event = AuditEvent(when=NEAR_MIDNIGHT_UTC, action="tests.something")
    assert str(event).startswith("2036-12-08 22:30")


def _option(page: str, session: TrainingSession) -> str:
    select = _between(page, 'name="session"', "</select>")
    return _between(select, f'value="{session.pk}"', "</option>")


def _between(page: str, start: str, end: str, before: int = 0) -> str:
    at = page.index(start)
    return page[max(0, at - before) : page.index(end, at + len(start)) + len(end)]
