"""Supporting documents: told apart by their bytes, stored privately under a name of our own,
served only to their owner, removable while a draft; interns need the school letter."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, ApplicationDocument, EventKind, Person, Status
from applications.services import request_information, submit_application, transition
from audit.models import AuditEvent
from facilities.models import Facility
from tests.applications.helpers import log_in, messages_of, page, section_url, url
from tests.factories import applicant, draft_application, submitted_application, valid_answers

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% a reference letter\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def draft(person: Person, facility: Facility) -> Application:
    return draft_application(facility=facility, person=person, complete=False)


def upload(
    client: Client,
    application: Application,
    name: str,
    content: bytes,
    kind: str = "reference_letter",
):
    return client.post(
        section_url(application, S.DOCUMENTS),
        {"kind_of_document": kind, "file": SimpleUploadedFile(name, content), "action": "upload"},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Letter from Rev. Okafor.pdf", PDF, "application/pdf"),
        ("letter.jpg", JPEG, "image/jpeg"),
        ("letter.png", PNG, "image/png"),
        # The type comes from the bytes, never from the name.
        ("letter.pdf", PNG, "image/png"),
        ("scan", JPEG, "image/jpeg"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_bytes(
    client: Client, draft: Application, name: str, content: bytes, content_type: str
) -> None:
    response = upload(client, draft, name, content)

    assert response.status_code == 302
    assert response.url == section_url(draft, S.DOCUMENTS)
    document = draft.documents.get()
    assert document.content_type == content_type
    assert document.original_name == name
    assert document.size == len(content)
    assert document.uploaded_by == draft.person.user
    assert document.kind == "reference_letter"
    listing = client.get(section_url(draft, S.DOCUMENTS))
    assert "The document was uploaded." in messages_of(listing)
    assert name in page(listing)


def test_the_file_is_stored_privately_under_a_name_of_our_own(
    client: Client, draft: Application
) -> None:
    upload(client, draft, "Jordan Rivera reference.pdf", PDF)
    document = draft.documents.get()

    private = storages["private"]
    assert document.file.storage.location == private.location
    assert document.file.storage.base_url == private.base_url == "/no-public-url/"
    assert re.fullmatch(rf"applications/{draft.public_id}/[0-9a-f]{{32}}", document.file.name)
    assert "Jordan" not in document.file.name
    assert ".pdf" not in document.file.name
    stored = Path(document.file.path).resolve()
    assert stored.read_bytes() == PDF
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "private")
    public_roots = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    assert not any(stored.is_relative_to(root.resolve()) for root in public_roots)
    # Its storage has no public address: nothing answers at what it calls a URL.
    assert document.file.url.startswith("/no-public-url/")
    assert client.get(document.file.url).status_code == 404
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/static/{document.file.name}").status_code == 404


def test_the_owner_downloads_it_through_the_checked_view(
    client: Client, draft: Application
) -> None:
    upload(client, draft, "letter.pdf", PDF)
    document = draft.documents.get()

    response = client.get(url("document", draft, document.public_id))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="applications.document_downloaded", target_id=str(document.pk)
    ).exists()


def test_another_applicant_gets_404_and_a_visitor_the_sign_in(
    client: Client, draft: Application
) -> None:
    upload(client, draft, "letter.pdf", PDF)
    document = draft.documents.get()
    download = url("document", draft, document.public_id)
    remove = url("remove_document", draft, document.public_id)

    other = log_in(Client(), applicant())
    assert other.get(download).status_code == 404
    assert other.post(remove).status_code == 404
    assert other.get(section_url(draft, S.DOCUMENTS)).status_code == 404
    response = other.post(
        section_url(draft, S.DOCUMENTS),
        {"kind_of_document": "reference_letter", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 404

    visitor = Client()
    response = visitor.get(download)
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/?next=")
    assert visitor.post(remove).status_code == 302

    assert draft.documents.count() == 1
    assert not AuditEvent.objects.filter(action="applications.document_downloaded").exists()


def test_a_document_of_another_application_of_the_same_person_is_404(
    client: Client, person: Person, facility: Facility, other_facility: Facility
) -> None:
    first = draft_application(facility=facility, person=person, complete=False)
    second = draft_application(facility=other_facility, person=person, complete=False)
    upload(client, first, "letter.pdf", PDF)
    document = first.documents.get()

    assert client.get(url("document", second, document.public_id)).status_code == 404
    assert client.post(url("remove_document", second, document.public_id)).status_code == 404
    assert first.documents.count() == 1


def test_the_owner_removes_it_while_a_draft(client: Client, draft: Application) -> None:
    upload(client, draft, "letter.pdf", PDF)
    document = draft.documents.get()
    stored = Path(document.file.path)

    response = client.post(url("remove_document", draft, document.public_id), follow=True)

    assert response.redirect_chain[-1][0] == section_url(draft, S.DOCUMENTS)
    assert "The document was removed." in messages_of(response)
    assert not draft.documents.exists()
    assert not stored.exists()
    assert "Nothing uploaded yet." in page(response)


def test_removing_needs_a_post(client: Client, draft: Application) -> None:
    upload(client, draft, "letter.pdf", PDF)
    document = draft.documents.get()

    assert client.get(url("remove_document", draft, document.public_id)).status_code == 405
    assert draft.documents.count() == 1


def test_once_submitted_documents_stay(client: Client, person: Person, facility: Facility) -> None:
    application = submitted_application(facility=facility, person=person, kind="student_intern")
    document = application.documents.get()

    response = client.post(url("remove_document", application, document.public_id), follow=True)

    assert "This part of the application cannot be changed now." in messages_of(response)
    assert application.documents.count() == 1
    assert Path(document.file.path).exists()
    response = client.post(
        section_url(application, S.DOCUMENTS),
        {"kind_of_document": "reference_letter", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 302
    assert application.documents.count() == 1
    # Still the owner's to download.
    assert client.get(url("document", application, document.public_id)).status_code == 200


def test_an_information_request_can_reopen_the_documents(
    client: Client, person: Person, facility: Facility, iac: User
) -> None:
    application = submitted_application(facility=facility, person=person)
    with transaction.atomic():
        transition(application=application, to=Status.IN_REVIEW, by=iac, mover="record")
        request_information(
            application=application,
            by=iac,
            message="Please add a reference letter.",
            sections=[S.DOCUMENTS],
            due_on=age.today() + timedelta(days=30),
        )

    response = upload(client, application, "reference.pdf", PDF)

    assert response.status_code == 302
    event = application.events.get(kind=EventKind.DOCUMENT)
    assert not event.is_visible_to_applicant
    done = client.post(section_url(application, S.DOCUMENTS), {"action": "continue"})
    assert done.url == url("answer", application)
    signature = valid_answers("volunteer")[S.ACKNOWLEDGEMENTS]
    client.post(section_url(application, S.ACKNOWLEDGEMENTS), {**signature, "action": "continue"})
    client.post(url("answer", application))
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    changes = application.events.get(kind=EventKind.INFO_ANSWERED).data["changes"]
    assert changes[S.DOCUMENTS]["before"]["entries"] == []
    assert changes[S.DOCUMENTS]["after"]["entries"] == ["Reference letter: reference.pdf"]


def test_an_intern_must_upload_the_school_letter_before_submitting(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person, kind="student_intern")
    application.documents.all().delete()

    review = client.get(url("review", application))
    assert "Upload the school letter." in page(review)
    refused = client.post(url("review", application))
    assert refused.status_code == 200
    assert "Upload the school letter." in page(refused)
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    # A reference letter is not the school letter.
    upload(client, application, "reference.pdf", PDF, kind="reference_letter")
    assert client.post(url("review", application)).status_code == 200
    upload(client, application, "school.pdf", PDF, kind="school_letter")
    response = client.post(url("review", application))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert sorted(application.documents.values_list("kind", flat=True)) == [
        "reference_letter",
        "school_letter",
    ]


def test_a_volunteer_may_submit_without_any_document(facility: Facility) -> None:
    application = draft_application(facility=facility)

    submitted = submit_application(application=application, by=application.person.user)

    assert submitted.status == Status.SUBMITTED
    assert not ApplicationDocument.objects.exists()


def test_the_documents_page_offers_each_kind_what_it_may_upload(
    client: Client, person: Person, facility: Facility, draft: Application
) -> None:
    volunteer = page(client.get(section_url(draft, S.DOCUMENTS)))
    intern = draft_application(
        facility=facility, person=person, kind="student_intern", complete=False
    )
    student = page(client.get(section_url(intern, S.DOCUMENTS)))

    assert 'value="reference_letter"' in volunteer
    assert 'value="school_letter"' not in volunteer
    assert 'value="school_letter"' in student
    assert 'value="reference_letter"' in student
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in volunteer
    assert 'enctype="multipart/form-data"' in volunteer


@pytest.mark.parametrize(
    ("action", "goes_to"),
    [("continue", "acknowledgements"), ("back", "employment"), ("exit", None)],
)
def test_the_buttons_of_the_documents_page(
    client: Client, draft: Application, action: str, goes_to: str | None
) -> None:
    response = client.post(section_url(draft, S.DOCUMENTS), {"action": action})

    assert response.status_code == 302
    assert response.url == (section_url(draft, goes_to) if goes_to else url("detail", draft))
