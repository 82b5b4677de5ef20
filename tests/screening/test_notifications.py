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


# The applicant answers or withdraws: the facility's coordinators are told ----------------


def answered(application: Any, *, on_behalf: bool = False, by: Any = None) -> Any:
    """The applicant signs again and answers the open request (or staff, on their behalf)."""
    from applications.services import answer_information_request
    from tests.factories import fill_section, valid_answers

    if not on_behalf:
        person = application.person
        signature = valid_answers(application.kind, first=person.first_name, last=person.last_name)[
            S.ACKNOWLEDGEMENTS
        ]
        application = fill_section(application, S.ACKNOWLEDGEMENTS, signature)
    return answer_information_request(
        application=application, by=by or application.person.user, on_behalf=on_behalf
    )


def test_coordinators_hear_when_the_applicant_answers_a_request(
    facility: Facility,
    iac: User,
    chaplain: User,
    other_iac: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.screening.helpers import application_in

    application = application_in("info_requested", facility, by=iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answered(application)

    subject = f"Application {application.reference} at {facility.name}: information provided"
    (notice,) = [m for m in mail.outbox if m.subject == subject]
    assert sorted(notice.to) == sorted([iac.email, chaplain.email])
    assert f"/staff/applications/{application.reference}/" in notice.body
    assert "Answered without changes." in notice.body
    assert mails_to(other_iac.email) == []


def test_an_answer_keyed_in_on_behalf_mails_no_coordinator(
    facility: Facility, iac: User, chaplain: User, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.screening.helpers import application_in

    application = application_in("info_requested", facility, by=iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answered(application, on_behalf=True, by=iac)

    assert mails_to(chaplain.email) == []


def test_coordinators_hear_when_the_applicant_withdraws(
    facility: Facility,
    iac: User,
    other_iac: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from applications.services import withdraw_application

    application = in_review(facility, by=iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_application(
            application=application, by=application.person.user, reason="Moving to Kansas."
        )

    subject = f"Application {application.reference} at {facility.name} was withdrawn"
    (notice,) = [m for m in mail.outbox if m.subject == subject]
    assert notice.to == [iac.email]
    assert "Moving to Kansas" not in notice.body  # the applicant's reason stays in the portal
    assert mails_to(other_iac.email) == []


def test_withdrawing_a_draft_or_on_behalf_mails_no_coordinator(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    from applications.services import withdraw_application

    draft = make_application(facility, submit=False)
    submitted = make_application(facility)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_application(application=draft, by=draft.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_application(application=submitted, by=iac, on_behalf=True, reason="Phoned.")

    assert mails_to(iac.email) == []


# The queue shows "answered" until a coordinator acts -------------------------------------


def answered_marks(client: Client) -> dict[str, bool]:
    import re

    html = client.get(reverse("staff:home")).content.decode()
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    marks = {}
    for row in rows:
        found = re.search(r'href="/staff/applications/([^/"]+)/"', row)
        if found:
            marks[found.group(1)] = ">answered</span>" in row
    return marks


def test_the_queue_shows_answered_until_a_coordinator_acts(
    client: Client, facility: Facility, iac: User
) -> None:
    from screening import services
    from tests.screening.helpers import application_in

    application = application_in("info_requested", facility, by=iac)
    untouched = in_review(facility, by=iac)
    client.force_login(iac)
    assert answered_marks(client)[application.reference] is False

    answered(application)

    marks = answered_marks(client)
    assert marks[application.reference] is True
    assert marks[untouched.reference] is False
    only_answered = client.get(reverse("staff:home"), {"flags": "answered"})
    assert application.reference in only_answered.content.decode()
    assert untouched.reference not in only_answered.content.decode()

    services.add_note(application=application, by=iac, text="Read the new availability.")

    assert answered_marks(client)[application.reference] is False


def test_a_recorded_step_after_the_answer_clears_the_mark(
    client: Client, facility: Facility, iac: User
) -> None:
    from screening import services
    from screening.models import StepKind
    from tests.screening.helpers import application_in

    application = answered(application_in("info_requested", facility, by=iac))
    client.force_login(iac)
    assert answered_marks(client)[application.reference] is True

    step = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    services.record_step(step=step, by=iac, state="passed", occurred_on=age.today())

    assert answered_marks(client)[application.reference] is False
