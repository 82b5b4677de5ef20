"""Revealing a full identifier (issue 13 item 4): the decide capability for that
application's facility, one number at a time, with a reason; audited (who, whose, which,
why, never the number), never cached, and read by the PIC Coordinator in the audit viewer."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import crypto
from applications.models import Application, Person
from audit.models import AuditEvent
from facilities.models import Facility
from tests.factories import submitted_application

pytestmark = pytest.mark.django_db

SSN, DL = "123456789", "S98765432101"
REVEALED = "applications.identifier_revealed"


@pytest.fixture
def application(facility: Facility) -> Application:
    application = submitted_application(facility=facility)
    Person.objects.filter(pk=application.person_id).update(
        dl_number_encrypted=crypto.encrypt(DL), dl_last4=DL[-4:], dl_state="MO"
    )
    return application


def _url(application: Application) -> str:
    return reverse("staff:reveal_identifier", args=[application.reference])


def _reveal(client: Client, application: Application, **data: Any) -> Any:
    return client.post(
        _url(application), {"field": "ssn", "reason": "Running the MULES check", **data}
    )


def test_a_coordinator_reveals_one_number_with_a_reason_and_it_is_audited(
    client: Client, application: Application, iac: User
) -> None:
    client.force_login(iac)
    detail = client.get(reverse("staff:application", args=[application.reference]))
    form = client.get(_url(application))

    response = _reveal(client, application)

    assert _url(application) in detail.content.decode()  # the link on the application
    assert SSN not in form.content.decode()
    assert "•••-••-6789" in form.content.decode()
    page = response.content.decode()
    assert response.status_code == 200
    assert SSN in page
    assert DL not in page  # one field at a time
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in form["Cache-Control"]
    event = AuditEvent.objects.get(action=REVEALED)
    assert (event.actor_id, event.target_id) == (str(iac.pk), str(application.person_id))
    assert event.target_type == "applications.person"
    assert event.facility_code == application.facility.code
    assert event.details == {
        "field": "ssn",
        "reason": "Running the MULES check",
        "application": application.reference,
    }
    assert SSN not in json.dumps([event.target_label, event.details, event.actor_label])

    dl = _reveal(client, application, field="dl_number", reason="Checking the MO license")
    assert DL in dl.content.decode()
    assert SSN not in dl.content.decode()
    assert AuditEvent.objects.filter(action=REVEALED).count() == 2


def test_no_reason_reveals_nothing_and_keeps_the_choice(
    client: Client, application: Application, iac: User
) -> None:
    client.force_login(iac)

    response = _reveal(client, application, field="dl_number", reason="")

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert DL not in page
    assert response.context["form"]["field"].value() == "dl_number"
    assert 'value="dl_number"' in page
    assert not AuditEvent.objects.filter(action=REVEALED).exists()


def test_a_number_not_on_file_cannot_be_chosen(
    client: Client, facility: Facility, iac: User
) -> None:
    application = submitted_application(facility=facility)  # an SSN, no license number
    client.force_login(iac)

    response = _reveal(client, application, field="dl_number")

    assert "field" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action=REVEALED).exists()


def test_a_chaplain_may_not_and_another_facility_s_coordinator_sees_nothing(
    client: Client, application: Application, chaplain: User, other_iac: User
) -> None:
    client.force_login(chaplain)
    assert _reveal(client, application).status_code == 403
    assert client.get(_url(application)).status_code == 403
    detail = client.get(reverse("staff:application", args=[application.reference]))
    assert _url(application) not in detail.content.decode()

    client.force_login(other_iac)
    assert _reveal(client, application).status_code == 404
    assert not AuditEvent.objects.filter(action=REVEALED).exists()


def test_the_pic_coordinator_reads_the_reveal_in_the_audit_viewer(
    client: Client, application: Application, iac: User, pic_coordinator: User
) -> None:
    client.force_login(iac)
    _reveal(client, application, reason="Fingerprint card needs it")
    client.force_login(pic_coordinator)

    viewer = client.get(reverse("reports:audit"), {"action": REVEALED})

    page = viewer.content.decode()
    rows = list(viewer.context["page_obj"])
    assert [row.action for row in rows] == [REVEALED]
    assert iac.email in page
    assert application.person.full_name in page
    assert "Fingerprint card needs it" in page
    assert application.reference in page
    assert SSN not in page
    assert "?action=applications.identifier_revealed" in page  # the quick filter
