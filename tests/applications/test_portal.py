"""The applicant's portal: own applications only, the timeline, withdrawing, the PDF."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.models import User
from applications import sections as S
from applications.models import Application, EventKind, Person, Status
from applications.services import append_event, transition
from audit.models import AuditEvent
from facilities.models import Facility
from tests.applications.helpers import log_in, messages_of, page, url
from tests.factories import applicant, draft_application, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


def test_home_lists_only_the_applicants_own_applications(
    client: Client, person: Person, facility: Facility, other_facility: Facility
) -> None:
    mine = submitted_application(facility=facility, person=person)
    draft = draft_application(facility=other_facility, person=person, complete=False)
    theirs = submitted_application(facility=other_facility)

    text = page(client.get("/account/"))

    assert mine.reference in text
    assert url("detail", mine) in text
    assert url("detail", draft) in text
    assert theirs.reference not in text
    assert url("detail", theirs) not in text
    assert text.count("/account/applications/") == 3  # two "View" and one "Continue"


def test_home_with_no_application_invites_to_start(client: Client, person: Person) -> None:
    text = page(client.get("/account/"))

    assert "You have no applications yet." in text
    assert 'href="/account/apply/"' in text


def test_home_takes_the_same_queries_for_one_or_many(
    client: Client,
    person: Person,
    facility: Facility,
    other_facility: Facility,
    django_assert_max_num_queries,
) -> None:
    draft_application(facility=facility, person=person, complete=False)
    client.get("/account/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/account/")
    draft_application(facility=other_facility, person=person, complete=False)
    draft_application(facility=facility, person=person, kind="student_intern", complete=False)
    with CaptureQueriesContext(connection) as three:
        client.get("/account/")

    assert len(three) == len(one)


def test_the_timeline_shows_only_what_the_applicant_may_see_in_plain_words(
    client: Client, person: Person, facility: Facility, iac: User
) -> None:
    application = submitted_application(facility=facility, person=person)
    with transaction.atomic():
        transition(application=application, to=Status.IN_REVIEW, by=iac, mover="record")
        append_event(application, EventKind.NOTE, by=iac, text="Staff only: spoke to the warden.")
        append_event(application, EventKind.STEP, by=iac, text="Background check: needs review")

    text = page(client.get(url("detail", application)))

    assert "Status: Submitted" in text
    assert "Status: In review" in text
    assert "Application submitted." in text
    assert "Staff only: spoke to the warden." not in text
    assert "Background check" not in text
    assert "Screening step recorded" not in text
    assert iac.email not in text


def test_a_draft_says_it_is_private(client: Client, person: Person, facility: Facility) -> None:
    draft = draft_application(facility=facility, person=person, complete=False)

    text = page(client.get(url("detail", draft)))

    assert "Not submitted yet: this is a draft only you can see." in text
    assert url("review", draft) in text
    assert url("pdf", draft) not in text


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review"])
def test_withdrawing_needs_the_confirmation_then_moves_to_withdrawn(
    client: Client, person: Person, facility: Facility, iac: User, status: str
) -> None:
    if status == "draft":
        application = draft_application(facility=facility, person=person)
    else:
        application = submitted_application(facility=facility, person=person)
    if status == "in_review":
        with transaction.atomic():
            transition(application=application, to=Status.IN_REVIEW, by=iac, mover="record")

    form = client.get(url("withdraw", application))
    assert form.status_code == 200
    assert 'name="confirm"' in page(form)

    refused = client.post(url("withdraw", application), {"reason": "Moving away"})
    assert refused.status_code == 200
    assert "This field is required." in page(refused)
    assert "Moving away" in page(refused)
    application.refresh_from_db()
    assert application.status == status

    response = client.post(
        url("withdraw", application), {"reason": "Moving away", "confirm": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("detail", application)
    assert "Your application was withdrawn." in messages_of(response)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    event = application.events.filter(kind=EventKind.STATUS).last()
    assert (event.from_status, event.to_status, event.text) == (status, "withdrawn", "Moving away")
    assert event.is_visible_to_applicant
    assert event.actor == person.user
    assert "Status: Withdrawn" in page(response)
    assert url("withdraw", application) not in page(response)


def test_a_withdrawn_application_cannot_be_withdrawn_again(
    client: Client, person: Person, facility: Facility
) -> None:
    application = submitted_application(facility=facility, person=person)
    client.post(url("withdraw", application), {"confirm": "on"})

    page_again = client.get(url("withdraw", application))
    response = client.post(url("withdraw", application), {"confirm": "on"}, follow=True)

    assert "This application can no longer be withdrawn." in page(page_again)
    assert any("withdrawn" in m.lower() for m in messages_of(response))
    assert application.events.filter(to_status="withdrawn").count() == 1


def test_a_withdrawn_draft_keeps_no_reference_and_a_withdrawn_submission_keeps_its_own(
    facility: Facility,
) -> None:
    from applications.services import withdraw_application

    draft = draft_application(facility=facility)
    withdrawn = withdraw_application(application=draft, by=draft.person.user)
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.reference is None

    submitted = submitted_application(facility=facility, kind="reentry_partner")
    # The database still refuses a submitted application without its reference.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=submitted.pk).update(status=Status.WITHDRAWN, reference=None)


def test_the_pdf_only_once_submitted(client: Client, person: Person, facility: Facility) -> None:
    draft = draft_application(facility=facility, person=person)
    assert client.get(url("pdf", draft)).status_code == 404

    client.post(url("review", draft))
    draft.refresh_from_db()
    response = client.get(url("pdf", draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{draft.reference}.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="applications.pdf_downloaded").count() == 1
    assert url("pdf", draft) in page(client.get(url("detail", draft)))


@pytest.fixture
def someone_elses(facility: Facility) -> Application:
    application = submitted_application(facility=facility, kind="student_intern")
    return application


def _document_urls(application: Application) -> dict[str, str]:
    document = application.documents.get()
    return {
        "document": url("document", application, document.public_id),
        "remove_document": url("remove_document", application, document.public_id),
    }


ADDRESSES = [
    "detail",
    "review",
    "answer",
    "withdraw",
    "pdf",
    "document",
    "remove_document",
    *[f"section:{slug}" for slug in S.SLUGS],
]


def _address(application: Application, name: str) -> str:
    if name.startswith("section:"):
        return url("section", application, name.split(":", 1)[1])
    if name in ("document", "remove_document"):
        return _document_urls(application)[name]
    return url(name, application)


@pytest.mark.parametrize("name", ADDRESSES)
@pytest.mark.parametrize("state", ["draft", "submitted", "info_requested"])
def test_another_applicants_application_is_404_at_every_address(
    client: Client, person: Person, facility: Facility, iac: User, name: str, state: str
) -> None:
    from datetime import timedelta

    from applications import age
    from applications.services import request_information

    if state == "draft":
        theirs = draft_application(facility=facility, kind="student_intern")
    else:
        theirs = submitted_application(facility=facility, kind="student_intern")
    if state == "info_requested":
        with transaction.atomic():
            transition(application=theirs, to=Status.IN_REVIEW, by=iac, mover="record")
            request_information(
                application=theirs,
                by=iac,
                message="More please",
                sections=[S.PLACEMENT],
                due_on=age.today() + timedelta(days=30),
            )
    theirs.refresh_from_db()
    before = (theirs.status, theirs.documents.count(), dict(theirs.answers))
    path = _address(theirs, name)

    got = client.get(path)
    posted = client.post(path, {"confirm": "on", "action": "continue", "first_name": "Mallory"})

    assert got.status_code == 404 or (got.status_code == 405 and name == "remove_document")
    assert posted.status_code == 404 or (
        posted.status_code == 405 and name in ("detail", "pdf", "document")
    )
    theirs.refresh_from_db()
    assert (theirs.status, theirs.documents.count(), dict(theirs.answers)) == before
    assert not AuditEvent.objects.filter(
        action__in=["applications.pdf_downloaded", "applications.document_downloaded"]
    ).exists()


@pytest.mark.parametrize(
    "name", ["detail", "review", "withdraw", "pdf", "document", "section:identity"]
)
def test_a_coordinator_gets_403_on_the_applicants_pages(
    client: Client, facility: Facility, iac: User, name: str
) -> None:
    application = submitted_application(facility=facility, kind="student_intern")
    client.force_login(iac)

    assert client.get(_address(application, name)).status_code == 403


@pytest.mark.parametrize(
    "name", ["detail", "review", "withdraw", "pdf", "document", "section:identity"]
)
def test_signed_out_visitors_go_to_the_sign_in(
    client: Client, facility: Facility, name: str
) -> None:
    application = submitted_application(facility=facility, kind="student_intern")

    response = client.get(_address(application, name))

    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/?next=")
