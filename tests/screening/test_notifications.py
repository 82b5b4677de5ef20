"""Who is e-mailed, when: the applicant on a request, approval and decline; the facility's
coordinators on a new submission (and nobody else's). Mail goes out on commit only."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications import sections as S
from applications.services import submit_application
from facilities.models import Facility, Role
from tests.conftest import member
from tests.screening.helpers import (
    in_review,
    mails_to,
    make_application,
    ready_for_approval,
)

pytestmark = pytest.mark.django_db


def test_coordinators_of_the_facility_hear_of_a_new_submission(
    facility: Facility,
    other_facility: Facility,
    iac: User,
    chaplain: User,
    other_iac: User,
    pic_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    site = member(facility, Role.SITE_COORDINATOR)
    draft = make_application(facility, submit=False)

    with django_capture_on_commit_callbacks(execute=True):
        application = submit_application(application=draft, by=draft.person.user)

    subject = f"New application {application.reference} at {facility.name}"
    (to_coordinators,) = [m for m in mail.outbox if m.subject == subject]
    assert sorted(to_coordinators.to) == sorted([iac.email, chaplain.email, site.email])
    assert mails_to(other_iac.email) == []
    assert mails_to(pic_coordinator.email) == []
    # The applicant has their receipt.
    assert [m.subject for m in mails_to(application.person.email)] == [
        f"Application {application.reference} received"
    ]
    assert len(mail.outbox) == 2


def test_nothing_is_sent_until_commit(facility: Facility, iac: User) -> None:
    make_application(facility)

    assert mail.outbox == []


def test_the_applicant_hears_of_an_information_request(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = in_review(facility, by=iac)
    client.force_login(iac)
    due = age.today() + timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:request_information", args=[application.reference]),
            {
                "message": "Please add a reference we can call.",
                "sections": [S.ORGANISATION],
                "due_on": due.isoformat(),
            },
        )

    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [application.person.email]
    assert sent.subject == f"Information needed for application {application.reference}"
    assert "Please add a reference we can call." in sent.body
    assert mails_to(iac.email) == []


def test_the_applicant_hears_of_an_approval(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = ready_for_approval(facility, by=iac)
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:approve", args=[application.reference]), {"level": "contact"}
        )

    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [application.person.email]
    assert sent.subject == f"Application {application.reference} approved"


def test_the_applicant_hears_of_a_decline(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = make_application(facility)
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:decline", args=[application.reference]),
            {"reason": "incomplete", "note": "The reference could not be reached."},
        )

    assert response.status_code == 302
    (sent,) = mail.outbox
    assert sent.to == [application.person.email]
    assert sent.subject == f"Decision on application {application.reference}"
    assert "Incomplete" in sent.body


def test_a_refused_decision_sends_nothing(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    application = in_review(facility, by=iac)  # no step passed: the gate is closed
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:approve", args=[application.reference]), {"level": "contact"}
        )

    assert response.status_code == 200
    assert mail.outbox == []


def test_a_paper_applicant_without_email_is_not_mailed(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    from screening import services

    application = ready_for_approval(facility, by=iac)
    person = application.person
    person.email = ""
    person.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_application(application=application, by=iac, level="no_contact")

    assert mail.outbox == []
