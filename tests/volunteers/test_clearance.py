"""The gate clearance list against a hand-built day: who is admitted, at which level, with
what warnings; who is not (banned statewide, badges refused in the last 12 months or never
returned); the PDF and the CSV say the same; viewing is audited; the cost does not grow."""

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from audit.models import AuditEvent
from facilities.models import Facility
from tests.volunteers.activation_helpers import active_grant, born_turning
from tests.volunteers.test_pdf import save_page_one
from volunteers import activation
from volunteers.clearance import clearance_list
from volunteers.models import AccessStatus, AgreementVersion, FacilityAccess
from volunteers.services import ban_person
from volunteers.services.agreements import publish_version
from volunteers.views import clearance as clearance_views

pytestmark = pytest.mark.django_db


def _move(grant: FacilityAccess, to: str, by: User, days_ago: int, **fields: Any) -> None:
    activation.move_access(grant=grant, to=to, by=by, **fields)
    FacilityAccess.objects.filter(pk=grant.pk).update(
        status_since=age.today() - timedelta(days=days_ago)
    )


@pytest.fixture
def day(facility: Facility, other_facility: Facility, iac: User, other_iac: User) -> dict[str, Any]:
    """One facility's day: two admitted (contact and no contact, one expiring in 5 days),
    and the ones refused or no longer listed."""
    today = age.today()
    contact = active_grant(facility, by=iac, last="Volcontact")
    young = active_grant(facility, by=iac, last="Volyoung", born=born_turning(18, today))
    FacilityAccess.objects.filter(pk=contact.pk).update(expires_on=today + timedelta(days=5))
    suspended = active_grant(facility, by=iac, last="Volsuspended")
    _move(suspended, AccessStatus.SUSPENDED, iac, 30)
    ended_long_ago = active_grant(facility, by=iac, last="Vollongago")
    _move(ended_long_ago, AccessStatus.ENDED, iac, 500, badge_returned=True)
    unreturned = active_grant(facility, by=iac, last="Volunreturned")
    _move(unreturned, AccessStatus.ENDED, iac, 800, badge_returned=False)
    banned_elsewhere = active_grant(other_facility, by=other_iac, last="Volbanned")
    ban_person(person=banned_elsewhere.person, by="tests", reason="Contraband")
    elsewhere = active_grant(other_facility, by=other_iac, last="Volelsewhere")
    return {
        "contact": contact,
        "young": young,
        "suspended": suspended,
        "ended_long_ago": ended_long_ago,
        "unreturned": unreturned,
        "banned": banned_elsewhere,
        "elsewhere": elsewhere,
    }


def test_the_list_of_a_hand_built_day(facility: Facility, day: dict[str, Any]) -> None:
    result = clearance_list(facility, age.today())

    admitted = {row.grant.person.last_name: row for row in result.admitted}
    assert set(admitted) == {"Volcontact", "Volyoung"}
    assert admitted["Volcontact"].level_label == "CONTACT"
    assert admitted["Volyoung"].level == AccessLevel.NO_CONTACT
    assert admitted["Volyoung"].level_label == "NO CONTACT"
    warnings = [w.label for w in admitted["Volcontact"].warnings]
    assert "Access expires" in warnings
    assert admitted["Volyoung"].warnings == []
    refused = {row.person.last_name: row for row in result.refused}
    assert set(refused) == {"Volsuspended", "Volunreturned", "Volbanned"}
    assert refused["Volbanned"].reason == "Banned statewide"
    assert refused["Volsuspended"].badge_number == day["suspended"].badge_number
    assert "badge not returned" in refused["Volunreturned"].reason


def test_a_day_after_the_access_expires_no_longer_admits(
    facility: Facility, day: dict[str, Any]
) -> None:
    later = clearance_list(facility, age.today() + timedelta(days=6))
    assert {row.grant.person.last_name for row in later.admitted} == {"Volyoung"}


def test_an_overdue_agreement_is_shown(facility: Facility, day: dict[str, Any]) -> None:
    version = publish_version(
        by="tests",
        kind="prea",
        title="PREA acknowledgment",
        text_en="Zero tolerance.",
        effective_on=age.today() - timedelta(days=60),
    )
    AgreementVersion.objects.filter(pk=version.pk).update(
        published_at=version.published_at - timedelta(days=60)
    )
    row = next(r for r in clearance_list(facility, age.today()).admitted)
    assert any(w.overdue and "Agreement overdue" in w.label for w in row.warnings)


def _csv(client: Client, facility: Facility) -> list[list[str]]:
    response = client.get(reverse("volunteers:clearance_csv", args=[facility.code]))
    assert response.status_code == 200
    assert response["Cache-Control"].find("no-store") >= 0
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_page_and_the_csv_say_the_same(
    client: Client, facility: Facility, iac: User, day: dict[str, Any]
) -> None:
    client.force_login(iac)
    page = client.get(reverse("volunteers:clearance", args=[facility.code])).content.decode()
    rows = _csv(client, facility)

    assert rows[0][:3] == ["List", "Name", "Badge"]
    body = rows[1:]
    assert [r[0] for r in body] == [
        "admit",
        "admit",
        "do not admit",
        "do not admit",
        "do not admit",
    ]
    for row in body:
        assert row[1] in page
        if row[2]:
            assert row[2] in page
    expiring = next(r for r in body if r[1].endswith("Volcontact"))
    assert expiring[3] == "CONTACT"
    assert expiring[6] == (age.today() + timedelta(days=5)).isoformat()
    assert "NO CONTACT" in page
    assert "Volelsewhere" not in page
    assert "Vollongago" not in page
    assert AuditEvent.objects.filter(action="volunteers.clearance_viewed").count() == 2


def test_another_day_by_the_query_string(
    client: Client, facility: Facility, iac: User, day: dict[str, Any]
) -> None:
    client.force_login(iac)
    later = (age.today() + timedelta(days=6)).isoformat()
    page = client.get(reverse("volunteers:clearance", args=[facility.code]), {"on": later})
    assert "Volcontact" not in page.content.decode()
    bad = client.get(reverse("volunteers:clearance", args=[facility.code]), {"on": "soon"})
    assert bad.status_code == 200
    assert "Volcontact" in bad.content.decode()


def test_the_pdf(
    client: Client, facility: Facility, iac: User, day: dict[str, Any], artifacts_dir: Path
) -> None:
    client.force_login(iac)
    response = client.get(reverse("volunteers:clearance_pdf", args=[facility.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for name in ("Volcontact", "Volyoung", "Volsuspended", "Volunreturned", "Volbanned"):
        assert name in text
    assert "NO CONTACT" in text
    assert "Do not admit" in text
    assert day["contact"].badge_number in text
    assert "Volelsewhere" not in text
    assert AuditEvent.objects.filter(
        action="volunteers.clearance_viewed", details__format="pdf"
    ).exists()
    save_page_one(pdf, artifacts_dir, "clearance-list")


def _count(client: Client, facility: Facility) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("volunteers:clearance", args=[facility.code])).status_code == 200
    return len(queries)


def test_the_cost_does_not_grow_with_the_list(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    publish_version(
        by="tests", kind="prea", title="PREA", text_en="Zero.", effective_on=age.today()
    )
    active_grant(facility, by=iac)
    suspended = active_grant(facility, by=iac)
    _move(suspended, AccessStatus.SUSPENDED, iac, 3)
    small = _count(client, facility)
    for _ in range(3):
        active_grant(facility, by=iac)
        ban_person(person=active_grant(facility, by=iac).person, by="tests", reason="Cause")
        _move(active_grant(facility, by=iac), AccessStatus.SUSPENDED, iac, 3)
    assert _count(client, facility) == small


def test_the_page_is_paginated_and_the_csv_holds_every_row(
    client: Client,
    facility: Facility,
    iac: User,
    day: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each list pages on its own (`page`, `refused`); the headings count every row."""
    monkeypatch.setattr(clearance_views, "PAGE_SIZE", 2)
    client.force_login(iac)
    url = reverse("volunteers:clearance", args=[facility.code])
    full = clearance_list(facility, age.today())
    admitted = [row.grant.person.full_name for row in full.admitted]
    refused = [row.person.full_name for row in full.refused]
    assert len(admitted) == 2
    assert len(refused) == 3
    for extra in ("Volthird", "Volfourth", "Volfifth"):
        active_grant(facility, by=iac, last=extra)
    full = clearance_list(facility, age.today())
    admitted = [row.grant.person.full_name for row in full.admitted]

    first = client.get(url).content.decode()
    assert f"May be admitted ({len(admitted)})" in first
    assert all(name in first for name in admitted[:2])
    assert not any(name in first for name in admitted[2:])
    assert all(name in first for name in refused[:2])
    assert refused[2] not in first
    assert "page=2" in first
    assert "refused=2" in first
    second = client.get(url, {"page": 2, "refused": 2}).content.decode()
    assert all(name in second for name in admitted[2:4])
    assert refused[2] in second
    assert not any(name in second for name in admitted[:2])
    assert len(_csv(client, facility)) == 1 + len(admitted) + len(refused)
