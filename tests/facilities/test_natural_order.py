"""Facility lists read numbers as numbers: "District 1, 2, 3, 12", "1S, 2, 19, 20" (issue 8,
item 20), in the directory, the staff lists, every facility choice and the admin."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from applications.forms import RelationshipEntryForm, StartApplicationForm
from facilities.models import Facility, FacilityKind, natural_key, naturally_sorted
from screening.forms import QueueFilterForm
from tests.factories import FacilityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# In the order the database's text sort gives them; NATURAL is the order a person expects.
NAMES = [
    "Probation & Parole District 1 - St. Joseph",
    "Probation & Parole District 12 - Farmington",
    "Probation & Parole District 19 - Liberty",
    "Probation & Parole District 1S - Maryville",
    "Probation & Parole District 2 - Chillicothe",
    "Probation & Parole District 20 - Camdenton",
    "Probation & Parole District 3 - Hannibal",
]
NATURAL = [NAMES[i] for i in (0, 3, 4, 6, 1, 2, 5)]


@pytest.fixture
def districts() -> list[Facility]:
    return [
        FacilityFactory.create(
            code="PP" + name.split()[4],
            name=name,
            kind=FacilityKind.PROBATION_PAROLE_OFFICE,
            division="P&P",
        )
        for name in NAMES
    ]


def test_the_key_reads_numbers_as_numbers() -> None:
    assert sorted(NAMES, key=natural_key) == NATURAL
    assert sorted(["20", "19", "2", "1S"], key=natural_key) == ["1S", "2", "19", "20"]
    assert sorted(["b", "A", "a2", "a10"], key=natural_key) == ["A", "a2", "a10", "b"]


def test_sorting_rows(districts: list[Facility]) -> None:
    assert [f.name for f in naturally_sorted(Facility.objects.order_by("name"))] == NATURAL
    assert [f.name for f in Facility.objects.naturally_ordered()] == NATURAL


def _in_page_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=lambda name: html.index(name.replace("&", "&amp;")))


def test_the_directory(client: Client, districts: list[Facility]) -> None:
    html = client.get("/facilities/").content.decode()
    assert _in_page_order(html, NAMES) == NATURAL


def test_my_facilities(client: Client, districts: list[Facility], pic_coordinator: User) -> None:
    client.force_login(pic_coordinator)
    html = client.get("/staff/facilities/").content.decode()
    assert _in_page_order(html, NAMES) == NATURAL


def _labels(field: Any) -> list[str]:
    return [str(label) for value, label in field.choices if value != ""]


def _names(labels: list[str]) -> list[str]:
    return [label.split(" (")[0] for label in labels]


def test_every_facility_choice(districts: list[Facility]) -> None:
    assert _names(_labels(StartApplicationForm().fields["facility"])) == NATURAL
    assert _names(_labels(RelationshipEntryForm().fields["facility"])) == NATURAL
    queue = QueueFilterForm(facilities=Facility.objects.all())
    assert _names(_labels(queue.fields["facility"])) == NATURAL


def test_the_queue_filter_on_the_page(
    client: Client, districts: list[Facility], pic_coordinator: User
) -> None:
    client.force_login(pic_coordinator)
    html = client.get("/staff/").content.decode()
    assert _in_page_order(html, NAMES) == NATURAL


def test_the_admin_list_and_filter(
    client: Client, districts: list[Facility], pic_coordinator: User
) -> None:
    for facility in districts:
        MembershipFactory.create(facility=facility)
    client.force_login(pic_coordinator)
    html = client.get("/admin/facilities/facility/").content.decode()
    assert _in_page_order(html, NAMES) == NATURAL
    response = client.get("/admin/facilities/membership/")
    assert response.status_code == 200
    html = response.content.decode()
    filters = html[html.index('id="changelist-filter"') :]
    assert _in_page_order(filters, NAMES) == NATURAL
