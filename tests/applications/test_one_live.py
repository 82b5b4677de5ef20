"""DESIGN rule 4: one live application per person, facility and kind."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from applications.models import Application, Kind, Person, Status
from applications.services import AlreadyLive, start_application, withdraw_application
from facilities.models import Facility
from tests.applications.helpers import log_in, page, url
from tests.factories import applicant, draft_application, submitted_application

pytestmark = pytest.mark.django_db

ALREADY = "You already have an application of this kind at this facility."


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.mark.parametrize("submitted", [False, True])
def test_a_second_is_refused_with_a_link_to_the_first(
    client: Client, person: Person, facility: Facility, submitted: bool
) -> None:
    make = submitted_application if submitted else draft_application
    first = make(facility=facility, person=person)

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "volunteer"})

    assert response.status_code == 200
    assert ALREADY in page(response)
    assert f'href="{url("detail", first)}"' in page(response)
    assert Application.objects.count() == 1


def test_the_service_refuses_with_the_existing_application(
    person: Person, facility: Facility
) -> None:
    first = draft_application(facility=facility, person=person, complete=False)

    with pytest.raises(AlreadyLive) as refused:
        start_application(by=person.user, person=person, facility=facility, kind=Kind.VOLUNTEER)

    assert refused.value.existing == first


@pytest.mark.parametrize("end", ["withdrawn_draft", "withdrawn_submitted", "declined"])
def test_after_it_ends_a_new_one_can_be_started(
    client: Client, person: Person, facility: Facility, iac, end: str
) -> None:
    from applications.services import transition

    if end == "withdrawn_draft":
        first = draft_application(facility=facility, person=person, complete=False)
        withdraw_application(application=first, by=person.user)
    elif end == "withdrawn_submitted":
        first = submitted_application(facility=facility, person=person)
        withdraw_application(application=first, by=person.user)
    else:
        first = submitted_application(facility=facility, person=person)
        with transaction.atomic():
            transition(
                application=first,
                to=Status.DECLINED,
                by=iac,
                mover="decide",
                decline_reason="other",
            )

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "volunteer"})

    second = Application.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302
    assert response.url == url("section", second, "identity")
    assert second.status == Status.DRAFT
    first.refresh_from_db()
    assert first.status in (Status.WITHDRAWN, Status.DECLINED)  # the old one stays as history


def test_another_kind_at_the_same_facility_is_allowed(
    client: Client, person: Person, facility: Facility
) -> None:
    draft_application(facility=facility, person=person, complete=False)

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "student_intern"})

    assert response.status_code == 302
    assert sorted(Application.objects.values_list("kind", flat=True)) == [
        "student_intern",
        "volunteer",
    ]


def test_the_same_kind_at_another_facility_is_allowed(
    client: Client, person: Person, facility: Facility, other_facility: Facility
) -> None:
    draft_application(facility=facility, person=person, complete=False)

    response = client.post("/account/apply/", {"facility": "BCC", "kind": "volunteer"})

    assert response.status_code == 302
    assert Application.objects.filter(person=person).count() == 2


def test_another_person_is_not_held_back(
    client: Client, person: Person, facility: Facility
) -> None:
    draft_application(facility=facility, complete=False)

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "volunteer"})

    assert response.status_code == 302
    assert Application.objects.filter(person=person).count() == 1


def test_the_database_refuses_a_second_live_row(person: Person, facility: Facility) -> None:
    first = draft_application(facility=facility, person=person, complete=False)

    for status in (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Application.objects.create(
                person=person,
                facility=facility,
                kind=Kind.VOLUNTEER,
                status=status,
                reference=None if status == Status.DRAFT else f"PIC-2026-9{len(status):05d}",
            )
    assert Application.objects.filter(pk=first.pk).exists()


def test_the_database_allows_ended_rows_beside_a_live_one(
    person: Person, facility: Facility
) -> None:
    draft_application(facility=facility, person=person, complete=False)

    with transaction.atomic():
        for number, status in enumerate((Status.WITHDRAWN, Status.WITHDRAWN, Status.APPROVED)):
            Application.objects.create(
                person=person,
                facility=facility,
                kind=Kind.VOLUNTEER,
                status=status,
                reference=f"PIC-2025-00000{number}",
            )

    assert Application.objects.filter(person=person).count() == 4


def test_the_first_can_still_be_reached_from_the_refusal(
    client: Client, person: Person, facility: Facility
) -> None:
    first = draft_application(facility=facility, person=person, complete=False)

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "volunteer"})

    assert "Go to that application" in page(response)
    assert client.get(url("detail", first)).status_code == 200
