"""An information request: the applicant is told, revises only the reopened sections, signs
again, and the application goes back to review with what changed recorded."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import formats

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, EventKind, InformationRequest, Person, Status
from applications.services import (
    ApplicationError,
    answer_information_request,
    request_information,
    submit_application,
    transition,
)
from facilities.models import Facility
from tests.applications.helpers import (
    entries,
    log_in,
    messages_of,
    page,
    pdf_text,
    section_url,
    url,
)
from tests.dates import long_date
from tests.factories import applicant, draft_application, valid_answers

pytestmark = pytest.mark.django_db

MESSAGE = "Please tell us more about your availability, and about any record you may have."
REOPENED = [S.PLACEMENT, S.CRIMINAL_HISTORY]
SUBMITTED_ON = datetime(2026, 2, 9, 15, 0, tzinfo=UTC)
OFFENCE = {
    "date": "2009-06-01",
    "place": "Boone County, MO",
    "offence": "Minor in possession",
    "disposition": "Fine paid",
}


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def in_review(person: Person, facility: Facility, iac: User) -> Application:
    draft = draft_application(facility=facility, person=person)
    submitted = submit_application(application=draft, by=person.user, now=SUBMITTED_ON)
    with transaction.atomic():
        return transition(application=submitted, to=Status.IN_REVIEW, by=iac, mover="record")


def ask(
    application: Application,
    by: User,
    capture,
    *,
    sections: list[str] = REOPENED,
    due_on: date | None = None,
) -> InformationRequest:
    with capture(execute=True):
        return request_information(
            application=application,
            by=by,
            message=MESSAGE,
            sections=sections,
            due_on=due_on or age.today() + timedelta(days=30),
        )


def test_the_applicant_is_told_by_mail_and_on_the_detail_page(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    due = age.today() + timedelta(days=30)

    ask(in_review, iac, django_capture_on_commit_callbacks, due_on=due)

    in_review.refresh_from_db()
    assert in_review.status == Status.INFO_REQUESTED
    (message,) = mail.outbox
    assert message.to == ["jordan.rivera@example.org"]
    assert message.subject == f"Information needed for application {in_review.reference}"
    assert MESSAGE in message.body
    assert long_date(due) in message.body
    assert f"/account/applications/{in_review.public_id}/" in message.body

    detail = page(client.get(url("detail", in_review)))
    assert "The coordinator needs more information" in detail
    assert MESSAGE.replace("'", "&#x27;") in detail
    assert f"Please answer by {formats.date_format(due, 'F j, Y')}." in detail
    assert "The date has passed" not in detail
    assert f'href="{url("answer", in_review)}"' in detail
    assert "Status: Information requested" in detail


def test_only_the_reopened_sections_and_the_signature_can_be_changed(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks)

    answer = page(client.get(url("answer", in_review)))
    for slug in (S.PLACEMENT, S.CRIMINAL_HISTORY, S.ACKNOWLEDGEMENTS):
        assert client.get(section_url(in_review, slug)).status_code == 200, slug
        assert f'href="{section_url(in_review, slug)}"' in answer
    for slug in (S.IDENTITY, S.ORGANISATION, S.RELATIONSHIPS, S.EMPLOYMENT, S.DOCUMENTS):
        response = client.get(section_url(in_review, slug), follow=True)
        assert response.redirect_chain[0][0] == url("detail", in_review), slug
        assert "This part of the application cannot be changed now." in messages_of(response)
        response = client.post(section_url(in_review, slug), {"first_name": "Mallory"})
        assert response.status_code == 302
    assert Person.objects.get(pk=in_review.person_id).first_name == "Jordan"


def test_answering_revises_resigns_recomputes_and_goes_back_to_review(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    request = ask(in_review, iac, django_capture_on_commit_callbacks)
    assert not in_review.flag_criminal_history
    placement = {**valid_answers("volunteer")[S.PLACEMENT], "availability": "Saturday mornings"}
    history = {
        "has_record": "yes",
        "pending_charges": "no",
        "on_supervision": "no",
        **entries([OFFENCE]),
    }

    response = client.post(section_url(in_review, S.PLACEMENT), {**placement, "action": "continue"})
    assert response.url == url("answer", in_review)
    response = client.post(
        section_url(in_review, S.CRIMINAL_HISTORY), {**history, "action": "continue"}
    )
    assert response.url == url("answer", in_review)
    signature = valid_answers("volunteer")[S.ACKNOWLEDGEMENTS]
    client.post(section_url(in_review, S.ACKNOWLEDGEMENTS), {**signature, "action": "continue"})

    response = client.post(url("answer", in_review), follow=True)

    assert response.redirect_chain[-1][0] == url("detail", in_review)
    assert "Thank you. Your answers were sent to the coordinator." in messages_of(response)
    application = Application.objects.get(pk=in_review.pk)
    assert application.status == Status.IN_REVIEW
    assert application.flag_criminal_history
    assert application.revised_on == age.today()
    assert application.signed_on == age.today()  # signed again (first signed 9 February)
    request.refresh_from_db()
    assert request.answered_at is not None
    assert request.answered_by == in_review.person.user

    answered = application.events.get(kind=EventKind.INFO_ANSWERED)
    assert answered.is_visible_to_applicant
    assert answered.text == "Revised: Facility and service, Criminal history."
    changes = answered.data["changes"]
    assert set(changes) == {S.PLACEMENT, S.CRIMINAL_HISTORY}
    assert changes[S.PLACEMENT]["before"]["answers"]["availability"] == "Tuesday evenings"
    assert changes[S.PLACEMENT]["after"]["answers"]["availability"] == "Saturday mornings"
    assert changes[S.CRIMINAL_HISTORY]["before"]["answers"]["has_record"] == "no"
    assert changes[S.CRIMINAL_HISTORY]["before"]["entries"] == []
    assert changes[S.CRIMINAL_HISTORY]["after"]["answers"]["has_record"] == "yes"
    assert "Minor in possession" in changes[S.CRIMINAL_HISTORY]["after"]["entries"][0]

    last = application.events.filter(kind=EventKind.STATUS).last()
    assert (last.from_status, last.to_status) == ("info_requested", "in_review")
    detail = page(response)
    assert "Information provided" in detail
    assert "Revised: Facility and service, Criminal history." in detail
    assert "The coordinator needs more information" not in detail
    # Sections are closed again.
    assert client.get(section_url(in_review, S.PLACEMENT)).status_code == 302

    text = pdf_text(client.get(url("pdf", application)).content)
    assert "Saturday mornings" in text
    assert "Minor in possession" in text
    assert f"Revised {formats.date_format(age.today(), 'DATE_FORMAT')}" in text


def resign(client: Client, application: Application) -> None:
    signature = valid_answers("volunteer")[S.ACKNOWLEDGEMENTS]
    response = client.post(
        section_url(application, S.ACKNOWLEDGEMENTS), {**signature, "action": "continue"}
    )
    assert response.status_code == 302


def test_an_answer_needs_a_new_signature(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks)

    response = client.post(url("answer", in_review))

    assert response.status_code == 200
    assert "Sign again" in page(response)
    assert Application.objects.get(pk=in_review.pk).status == Status.INFO_REQUESTED
    resign(client, in_review)
    assert client.post(url("answer", in_review)).status_code == 302


def test_answering_without_changes_is_recorded_as_such(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks)
    resign(client, in_review)

    response = client.post(url("answer", in_review))

    assert response.status_code == 302
    answered = in_review.events.get(kind=EventKind.INFO_ANSWERED)
    assert answered.text == "Answered without changes."
    assert answered.data == {"changes": {}}


def test_a_revised_identity_updates_the_frozen_snapshot(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks, sections=[S.IDENTITY])
    identity = {**valid_answers("volunteer")[S.IDENTITY], "phone": "(314) 555-0199", "ssn": ""}

    response = client.post(section_url(in_review, S.IDENTITY), {**identity, "action": "continue"})
    assert response.status_code == 302
    application = Application.objects.get(pk=in_review.pk)
    assert application.answers[S.IDENTITY]["phone"] == "+15735550123"  # not until answered
    resign(client, in_review)
    client.post(url("answer", in_review))

    application = Application.objects.get(pk=in_review.pk)
    assert application.answers[S.IDENTITY]["phone"] == "+13145550199"
    assert application.answers[S.IDENTITY]["ssn"] == "•••-••-6789"
    changes = application.events.get(kind=EventKind.INFO_ANSWERED).data["changes"]
    assert changes[S.IDENTITY]["before"]["answers"]["phone"] == "+15735550123"
    assert changes[S.IDENTITY]["after"]["answers"]["phone"] == "+13145550199"


def test_a_late_answer_is_still_accepted(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks, due_on=age.today() - timedelta(days=3))

    detail = page(client.get(url("detail", in_review)))
    assert "The date has passed, but you can still answer until a decision is made." in detail

    resign(client, in_review)
    response = client.post(url("answer", in_review))

    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_an_answer_with_problems_is_refused_and_the_request_stays_open(
    client: Client, in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks)
    client.post(
        section_url(in_review, S.PLACEMENT),
        {**valid_answers("volunteer")[S.PLACEMENT], "availability": "", "action": "exit"},
    )

    response = client.post(url("answer", in_review))

    assert response.status_code == 200
    assert "Some answers are missing or need correcting: see below." in messages_of(response)
    assert "Some answers here need correcting." in page(response)
    in_review.refresh_from_db()
    assert in_review.status == Status.INFO_REQUESTED
    assert not in_review.events.filter(kind=EventKind.INFO_ANSWERED).exists()


@pytest.mark.parametrize("state", ["draft", "submitted", "in_review", "answered"])
def test_answering_with_no_open_request_is_404(
    client: Client,
    person: Person,
    facility: Facility,
    iac: User,
    django_capture_on_commit_callbacks,
    state: str,
) -> None:
    application = draft_application(facility=facility, person=person)
    if state != "draft":
        application = submit_application(application=application, by=person.user)
    if state in ("in_review", "answered"):
        with transaction.atomic():
            application = transition(
                application=application, to=Status.IN_REVIEW, by=iac, mover="record"
            )
    if state == "answered":
        ask(application, iac, django_capture_on_commit_callbacks)
        resign(client, application)
        answer_information_request(application=application, by=person.user)

    assert client.get(url("answer", application)).status_code == 404
    assert client.post(url("answer", application)).status_code == 404


def test_a_coordinator_may_answer_on_behalf_of_a_paper_applicant(
    in_review: Application, iac: User, django_capture_on_commit_callbacks
) -> None:
    ask(in_review, iac, django_capture_on_commit_callbacks)

    answered = answer_information_request(application=in_review, by=iac, on_behalf=True)

    assert answered.status == Status.IN_REVIEW
    event = answered.events.get(kind=EventKind.INFO_ANSWERED)
    assert event.on_behalf_of_applicant
    assert event.actor == iac


@pytest.mark.parametrize("sections", [[], ["acknowledgements"], ["nonsense"], [S.PLACEMENT, "x"]])
def test_a_request_must_name_sections_that_can_be_reopened(
    in_review: Application, iac: User, sections: list[str]
) -> None:
    with pytest.raises(ApplicationError):
        request_information(
            application=in_review,
            by=iac,
            message=MESSAGE,
            sections=sections,
            due_on=age.today() + timedelta(days=30),
        )
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_a_request_is_only_for_an_application_in_review(
    person: Person, facility: Facility, iac: User
) -> None:
    from applications.services import IllegalMove
    from tests.factories import submitted_application

    application = submitted_application(facility=facility, person=person)

    with pytest.raises(IllegalMove):
        request_information(
            application=application,
            by=iac,
            message=MESSAGE,
            sections=REOPENED,
            due_on=age.today() + timedelta(days=30),
        )
