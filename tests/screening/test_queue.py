"""The staff queue: open applications of the user's facilities, oldest first, filtered."""

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from applications.models import Application
from applications.services import flag_possible_duplicates
from facilities.models import Facility
from screening import services
from tests.screening.helpers import (
    application_in,
    in_review,
    make_application,
    new_person,
    page,
    queue_references,
)

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def mix(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> dict[str, Application]:
    """One application for each thing the queue can filter on."""
    birthday = age.today() - timedelta(days=60)
    eighteenth = date(birthday.year - 18, birthday.month, min(birthday.day, 28))
    a = {
        "plain": make_application(facility, level="no_contact", submitted_at=days_ago(3)),
        "intern": make_application(facility, kind="student_intern", submitted_at=days_ago(4)),
        "partner": make_application(facility, kind="reentry_partner", submitted_at=days_ago(5)),
        # Turned 18 two months ago: contact asked for under 19.
        "young": make_application(
            facility, born=eighteenth, level="contact", submitted_at=days_ago(6)
        ),
        "conflict": make_application(
            facility,
            relations=[{"name": "Sam Doe", "relationship": "son", "facility": str(facility.pk)}],
            submitted_at=days_ago(7),
        ),
        "history": make_application(facility, history=True, submitted_at=days_ago(8)),
        "pending": make_application(facility, pending=True, submitted_at=days_ago(9)),
        "banned": make_application(facility, submitted_at=days_ago(10)),
        "duplicate": make_application(facility, submitted_at=days_ago(11)),
        "review": in_review(facility, by=iac, submitted_at=days_ago(12)),
        "elsewhere": make_application(other_facility, submitted_at=days_ago(13)),
        "draft": make_application(facility, submit=False),
        "declined": application_in("declined", facility, by=iac),
    }
    services.ban_person(person=a["banned"].person, by="tests", reason="Contraband.")
    twin = new_person(online=False, first="Jordan", last=a["duplicate"].person.last_name)
    twin.date_of_birth = a["duplicate"].person.date_of_birth
    twin.save()
    assert flag_possible_duplicates(person=twin)
    for application in a.values():
        application.refresh_from_db()
    return a


def refs(mix: dict[str, Application], *names: str) -> list[str]:
    return [mix[name].reference for name in names]


OPEN_HERE = [
    "plain",
    "intern",
    "partner",
    "young",
    "conflict",
    "history",
    "pending",
    "banned",
    "duplicate",
    "review",
]


def test_oldest_first_and_only_open_applications_here(
    client: Client, iac: User, mix: dict[str, Application]
) -> None:
    client.force_login(iac)

    assert queue_references(client) == refs(mix, *reversed(OPEN_HERE))
    assert queue_references(client, sort="newest") == refs(mix, *OPEN_HERE)


def test_drafts_never_appear(client: Client, iac: User, mix: dict[str, Application]) -> None:
    client.force_login(iac)
    name = mix["draft"].person.last_name

    for query in ({}, {"status": "draft"}, {"q": name}):
        html = page(client.get(reverse("staff:home"), query))
        # The results, not the page's own address (the idle warning's "next" carries it).
        results = html.split('<div id="results"')[1].split('id="idle-warning"')[0]
        assert name not in results
    assert queue_references(client, q=name) == []


def test_other_facilities_never_appear_for_a_coordinator(
    client: Client, iac: User, mix: dict[str, Application], other_facility: Facility
) -> None:
    client.force_login(iac)
    elsewhere = mix["elsewhere"]

    assert elsewhere.reference not in queue_references(client)
    assert elsewhere.reference not in queue_references(client, facility=other_facility.code)
    assert queue_references(client, q=elsewhere.reference) == []
    assert queue_references(client, q=elsewhere.person.email) == []


def test_the_pic_coordinator_sees_every_facility(
    client: Client,
    pic_coordinator: User,
    mix: dict[str, Application],
    facility: Facility,
    other_facility: Facility,
) -> None:
    client.force_login(pic_coordinator)

    listed = queue_references(client)
    assert listed == refs(mix, "elsewhere", *reversed(OPEN_HERE))
    assert queue_references(client, facility=other_facility.code) == refs(mix, "elsewhere")
    assert queue_references(client, facility=facility.code) == refs(mix, *reversed(OPEN_HERE))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "in_review"}, ["review"]),
        ({"status": "declined"}, ["declined"]),
        ({"kind": "student_intern"}, ["intern"]),
        ({"kind": "reentry_partner"}, ["partner"]),
        ({"level": "no_contact"}, ["plain"]),
        ({"flags": "contact_under_19"}, ["young"]),
        ({"flags": "conflict"}, ["conflict"]),
        ({"flags": "history"}, ["history"]),
        ({"flags": "pending"}, ["pending"]),
        ({"flags": "banned"}, ["banned"]),
        ({"flags": "duplicate"}, ["duplicate"]),
        ({"flags": ["history", "banned"]}, []),
        ({"kind": "volunteer", "status": "in_review"}, ["review"]),
    ],
    ids=lambda v: str(v),
)
def test_filters(
    client: Client,
    iac: User,
    mix: dict[str, Application],
    query: dict[str, str],
    expected: list[str],
) -> None:
    client.force_login(iac)

    assert sorted(queue_references(client, **query)) == sorted(refs(mix, *expected))


def test_the_flags_show_in_their_rows(
    client: Client, iac: User, mix: dict[str, Application]
) -> None:
    client.force_login(iac)

    for flag, label in [("banned", "Statewide ban"), ("duplicate", "Possible duplicate")]:
        html = page(client.get(reverse("staff:home"), {"flags": flag}))
        assert label in html


def test_search_by_name_reference_and_email(
    client: Client, iac: User, mix: dict[str, Application]
) -> None:
    client.force_login(iac)
    target = mix["history"]
    person = target.person

    assert queue_references(client, q=person.last_name) == [target.reference]
    assert queue_references(client, q=person.last_name.upper()) == [target.reference]
    assert queue_references(client, q=f"{person.first_name} {person.last_name}") == [
        target.reference
    ]
    assert queue_references(client, q=target.reference) == [target.reference]
    assert queue_references(client, q=target.reference.lower()) == [target.reference]
    assert queue_references(client, q=person.email) == [target.reference]
    assert queue_references(client, q="nobody-by-this-name") == []


def test_past_the_target_is_highlighted(client: Client, facility: Facility, iac: User) -> None:
    late = make_application(facility, submitted_at=days_ago(31))
    on_time = make_application(facility, submitted_at=days_ago(30))
    client.force_login(iac)

    html = page(client.get(reverse("staff:home")))

    rows = {
        ref: html.split(f"/staff/applications/{ref}/")[1].split("</tr>")[0]
        for ref in (late.reference, on_time.reference)
    }
    assert "past target" in rows[late.reference]
    assert "past target" not in rows[on_time.reference]
    assert 'class="overdue"' in html.split(f"/staff/applications/{late.reference}/")[0][-300:]
    assert html.count("past target") == 1
    detail = page(client.get(reverse("staff:application", args=[late.reference])))
    assert "past target" in detail


def test_pagination_25_per_page(client: Client, facility: Facility, iac: User) -> None:
    made = [make_application(facility, submitted_at=days_ago(60 - n)) for n in range(27)]
    client.force_login(iac)

    first = queue_references(client)
    second = queue_references(client, page=2)

    assert first == [a.reference for a in made[:25]]
    assert second == [a.reference for a in made[25:]]
    html = page(client.get(reverse("staff:home"), {"kind": "volunteer"}))
    assert "Page 1 of 2" in html
    assert "kind=volunteer&amp;page=2" in html
    assert "27 applications" in html
