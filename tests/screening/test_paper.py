"""A signed paper application keyed in by staff, end to end: entered, withdrawn on the
applicant's behalf, and the paper person's later online sign-in linked to the record."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import (
    Application,
    Channel,
    DocumentKind,
    EventKind,
    Person,
    Status,
)
from applications.services import person_for_login
from audit.models import AuditEvent
from facilities.models import Facility
from screening.views.paper import PAPER_SECTIONS
from tests.factories import UserFactory
from tests.screening.helpers import answers, mails_to, messages_of, page

pytestmark = pytest.mark.django_db

EMAIL = "casey.okafor@example.org"
PDF = b"%PDF-1.4\n% the signed paper form\n"


def paper_post(kind: str = "volunteer", **changes: str) -> dict[str, Any]:
    """The one-page form as the browser posts it: every field prefixed with its section."""
    sections = answers(
        kind,
        first="Casey",
        last="Okafor",
        born=date(1969, 10, 2),
        email=EMAIL,
        ssn="321-54-9876",
        level="no_contact",
        activities="Lead the Thursday reading circle.",
    )
    data: dict[str, Any] = {"kind": kind}
    for slug in PAPER_SECTIONS:
        data.update({f"{slug}-{key}": value for key, value in sections[slug].items()})
    data.update(changes)
    return data


def paper_url(facility: Facility, kind: str = "volunteer") -> str:
    return reverse("staff:paper_application", args=[facility.code]) + f"?kind={kind}"


def scan(content: bytes = PDF, name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def test_the_form_asks_every_section_but_documents(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)

    chooser = client.get(reverse("staff:paper_application", args=[facility.code]))
    assert chooser.status_code == 200
    assert "?kind=volunteer" in page(chooser)

    html = page(client.get(paper_url(facility)))
    assert 'name="identity-first_name"' in html
    assert 'name="relationships-entries-TOTAL_FORMS"' in html
    assert 'name="acknowledgements-signature_name"' in html
    assert 'name="signed_on"' in html
    assert 'name="scan"' in html
    assert 'name="documents-' not in html


def test_paper_entry_end_to_end(
    client: Client,
    facility: Facility,
    iac: User,
    other_iac: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    signed_on = age.today() - timedelta(days=12)
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            paper_url(facility),
            {**paper_post(), "signed_on": signed_on.isoformat(), "scan": scan()},
        )

    assert response.status_code == 302, page(response)[:3000]
    application = Application.objects.get()
    assert response["Location"] == reverse("staff:application", args=[application.reference])
    person = application.person
    assert person.user is None
    assert (person.first_name, person.last_name, person.email) == ("Casey", "Okafor", EMAIL)
    assert person.date_of_birth == date(1969, 10, 2)
    assert person.ssn_last4 == "9876"
    assert application.channel == Channel.PAPER
    assert application.entered_by == iac
    assert application.status == Status.SUBMITTED
    assert application.reference
    assert application.reference.startswith("PIC-")
    assert application.signed_on == signed_on
    assert application.facility == facility
    assert application.kind == "volunteer"
    assert application.access_level_requested == "no_contact"
    assert application.answers["placement"]["activities"] == "Lead the Thursday reading circle."
    document = application.documents.get()
    assert document.kind == DocumentKind.PAPER_SCAN
    assert document.content_type == "application/pdf"
    assert document.file.read() == PDF
    submitted = application.events.get(kind=EventKind.STATUS)
    assert (submitted.to_status, submitted.actor, submitted.on_behalf_of_applicant) == (
        Status.SUBMITTED,
        iac,
        True,
    )
    # The facility's coordinators hear of it, those of other facilities do not.
    assert [m.subject for m in mails_to(iac.email)] == [
        f"New application {application.reference} at {facility.name}"
    ]
    assert mails_to(other_iac.email) == []
    audit = AuditEvent.objects.get(action="screening.paper_application_entered")
    assert audit.actor_id == str(iac.pk)
    # The staff page says it was keyed in, and by whom.
    detail = client.get(response["Location"])
    assert f"Paper application {application.reference} entered and submitted." in messages_of(
        detail
    )
    assert f"keyed in by {iac}" in page(detail)
    # It is in the queue like any other, marked as paper.
    queue = page(client.get(reverse("staff:home")))
    assert application.reference in queue
    assert "paper</span>" in queue

    # The applicant phones to withdraw: staff act on their behalf.
    response = client.post(
        reverse("staff:withdraw_on_behalf", args=[application.reference]),
        {"reason": "Phoned on 3 May: moving to Kansas."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    withdrawn = application.events.get(kind=EventKind.STATUS, to_status=Status.WITHDRAWN)
    assert withdrawn.on_behalf_of_applicant is True
    assert withdrawn.actor == iac
    assert withdrawn.from_status == Status.SUBMITTED
    # What staff wrote is a staff note; the applicant's timeline says only that it happened.
    assert withdrawn.text == "Application withdrawn."
    note = application.events.get(kind=EventKind.NOTE)
    assert note.text == "Phoned on 3 May: moving to Kansas."
    assert not note.is_visible_to_applicant
    assert note.on_behalf_of_applicant
    assert "(on behalf of the applicant)" in page(client.get(response["Location"]))

    # Later the same person signs in online with the e-mail on the paper: linked, not new.
    login = UserFactory.create(email=EMAIL)
    linked = person_for_login(user=login)
    assert linked.pk == person.pk
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.user == login
    assert list(Application.objects.for_applicant(login)) == [application]
    assert AuditEvent.objects.filter(action="applications.login_linked_to_person").count() == 1


def test_another_email_makes_a_new_person(client: Client, facility: Facility, iac: User) -> None:
    client.force_login(iac)
    client.post(
        paper_url(facility),
        {**paper_post(), "signed_on": age.today().isoformat(), "scan": scan()},
    )
    paper_person = Person.objects.get()

    someone = person_for_login(user=UserFactory.create(email="c.okafor@example.net"))

    assert someone.pk != paper_person.pk
    paper_person.refresh_from_db()
    assert paper_person.user is None


def test_missing_answers_come_back_with_what_was_typed(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    data = paper_post(**{"identity-first_name": "", "placement-access_level_requested": ""})

    response = client.post(
        paper_url(facility),
        {**data, "signed_on": age.today().isoformat(), "scan": scan()},
    )

    assert response.status_code == 200
    html = page(response)
    assert "There is a problem" in html
    assert 'href="#id_identity-first_name"' in html
    assert "First name: This field is required." in html
    assert "Access level requested: This field is required." in html
    # What was typed stays in the fields.
    assert 'value="Okafor"' in html
    assert "Lead the Thursday reading circle." in html
    assert 'value="Casey Okafor"' in html
    assert not Application.objects.exists()
    assert not Person.objects.exists()


def test_a_scan_that_is_not_a_pdf_or_image_comes_back(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)

    response = client.post(
        paper_url(facility),
        {
            **paper_post(),
            "signed_on": age.today().isoformat(),
            "scan": scan(b"MZ\x90\x00 not a pdf at all", "signed.pdf"),
        },
    )

    assert response.status_code == 200
    html = page(response)
    assert "There is a problem" in html
    assert "This file is not a PDF, JPEG or PNG (whatever its name says)." in html
    assert 'value="Okafor"' in html
    assert not Application.objects.exists()


def test_no_scan_and_a_future_date_come_back(client: Client, facility: Facility, iac: User) -> None:
    client.force_login(iac)
    tomorrow = age.today() + timedelta(days=1)

    response = client.post(paper_url(facility), {**paper_post(), "signed_on": tomorrow.isoformat()})

    assert response.status_code == 200
    html = page(response)
    assert "There is a problem" in html
    assert "This date is in the future." in html
    assert "This field is required." in html
    assert not Application.objects.exists()


def test_a_wrong_signature_comes_back(client: Client, facility: Facility, iac: User) -> None:
    client.force_login(iac)
    data = paper_post(**{"acknowledgements-signature_name": "Somebody Else"})

    response = client.post(
        paper_url(facility), {**data, "signed_on": age.today().isoformat(), "scan": scan()}
    )

    assert response.status_code == 200
    assert (
        "Type your full legal name as in section 1: Casey Okafor — the middle name or "
        "initial and suffix may be left out." in page(response)
    )
    assert not Application.objects.exists()


def test_an_entry_list_with_relations_at_the_facility_raises_the_flag(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    data = paper_post(
        **{
            "relationships-has_relationships": "yes",
            "relationships-entries-TOTAL_FORMS": "1",
            "relationships-entries-0-name": "Dana Okafor",
            "relationships-entries-0-relationship": "sister",
            "relationships-entries-0-facility": str(facility.pk),
        }
    )

    response = client.post(
        paper_url(facility), {**data, "signed_on": age.today().isoformat(), "scan": scan()}
    )

    assert response.status_code == 302, page(response)[:2000]
    application = Application.objects.get()
    assert application.flag_relationship_conflict
    assert application.relationships.get().name == "Dana Okafor"


def test_a_student_intern_paper_application_comes_with_the_school_letter(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    url = paper_url(facility, "student_intern")
    assert 'name="school_letter"' in page(client.get(url))
    assert 'name="school_letter"' not in page(client.get(paper_url(facility)))
    data = {**paper_post("student_intern"), "signed_on": age.today().isoformat(), "scan": scan()}

    without = client.post(url, data)

    assert without.status_code == 200
    assert "Letter from the school: This field is required." in page(without)
    assert not Application.objects.exists()

    letter = SimpleUploadedFile("school.pdf", b"%PDF-1.4 school letter", "application/pdf")
    response = client.post(url, {**data, "scan": scan(), "school_letter": letter})

    assert response.status_code == 302, page(response)[:3000]
    application = Application.objects.get()
    assert application.kind == "student_intern"
    assert application.status == Status.SUBMITTED
    assert sorted(application.documents.values_list("kind", flat=True)) == [
        DocumentKind.PAPER_SCAN,
        DocumentKind.SCHOOL_LETTER,
    ]
