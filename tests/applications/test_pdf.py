"""The application PDFs: the filled form from the frozen answers, and the blank forms."""

import io
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.files.storage import storages
from django.utils import formats
from pypdf import PdfReader

from accounts.languages import rendered_language
from applications import forms as app_forms
from applications import sections
from applications.models import (
    AccessLevel,
    Application,
    ApplicationDocument,
    CriminalHistoryEntry,
    DocumentKind,
    Kind,
    Person,
    Relationship,
    Status,
)
from applications.pdf import application_pdf, blank_form_pdf, css_string, url_fetcher
from facilities.models import Facility
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

REFERENCE = "PIC-2026-000123"
SCRIPT_NAME = "<script>alert(1)</script>"

# What each section's form is given, as a browser would post it.
COMMON = {
    sections.PLACEMENT: {
        "program_area": "religious",
        "activities": "Lead a weekly Bible study and help with the chapel choir.",
        "availability": "Tuesday and Thursday evenings, 6 to 8 pm.",
        "access_level_requested": AccessLevel.CONTACT,
    },
    sections.CRIMINAL_HISTORY: {
        "has_record": "yes",
        "pending_charges": "no",
        "on_supervision": "no",
    },
    sections.RELATIONSHIPS: {"has_relationships": "yes"},
    sections.EMPLOYMENT: {
        "worked_for_doc": "no",
        "privileges_suspended": "no",
        "licence_type": "Licensed professional counselor",
        "licence_number": "LPC-2011-0042",
        "licence_state": "MO",
    },
}
ORGANISATION: dict[str, dict[str, str]] = {
    Kind.VOLUNTEER: {
        "sponsoring_organisation": "First Baptist Church of Jefferson City",
        "reference_name": "Rev. Thomas Okafor",
        "reference_relationship": "My pastor for twelve years",
        "reference_phone": "573-555-0142",
        "reference_email": "pastor@firstbaptist.example",
    },
    Kind.REENTRY_PARTNER: {
        "organisation_name": "Jefferson City Works",
        "organisation_type": "nonprofit",
        "role": "Employment specialist",
        "reference_name": "Dana Whitfield",
        "reference_relationship": "Executive director",
        "reference_phone": "573-555-0177",
    },
    Kind.STUDENT_INTERN: {
        "school": "Lincoln University",
        "program": "Bachelor of Social Work",
        "supervisor_name": "Dr. Alicia Moreno",
        "supervisor_email": "moreno@lincolnu.example",
        "supervisor_phone": "573-555-0188",
        "term_start": "2026-08-24",
        "term_end": "2026-12-11",
        "hours_required": "240",
    },
}
ACKNOWLEDGED = {
    "truthful": "on",
    "background_check": "on",
    "prea": "on",
    "conduct": "on",
    "confidentiality": "on",
}


def answered(kind: str, slug: str, data: dict[str, str]) -> dict[str, Any]:
    """A section's answers as the wizard stores them: to_json of the form's clean data."""
    sect = sections.section(kind, slug)
    form_class = sect.form_class(kind) if sect else None
    assert form_class is not None
    form = form_class(data, kind=kind)
    assert form.is_valid(), form.errors
    return sections.to_json(form.cleaned_data)


def make_application(
    facility: Facility,
    kind: str = Kind.VOLUNTEER,
    *,
    first_name: str = "Marjorie",
    signature_name: str = "",
    language: str = "en",
    revised_on: date | None = None,
) -> Application:
    person = Person.objects.create(
        first_name=first_name,
        middle_name="Anne",
        last_name="Whitlock-Hargreaves",
        other_names="Marjorie Anne Pruitt",
        date_of_birth=date(1968, 3, 14),
        email="marjorie@example.org",
        phone="+15735550123",
        street_address="1400 Southwest Boulevard, Apt. 12",
        city="Jefferson City",
        state="MO",
        zip="65109",
        emergency_contact_name="Harold Whitlock",
        emergency_contact_phone="+15735550199",
        emergency_contact_relationship="Husband",
        preferred_language=language,
        ssn_last4="6789",
        dl_last4="4321",
        dl_state="MO",
    )
    signature = signature_name or f"{first_name} Anne Whitlock-Hargreaves"
    answers: dict[str, Any] = {sections.IDENTITY: sections.identity_values(person)}
    for slug, data in COMMON.items():
        answers[slug] = answered(kind, slug, data)
    answers[sections.ORGANISATION] = answered(kind, sections.ORGANISATION, ORGANISATION[kind])
    answers[sections.ACKNOWLEDGEMENTS] = sections.to_json(
        {**dict.fromkeys(ACKNOWLEDGED, True), "signature_name": signature}
    )
    application = Application.objects.create(
        person=person,
        facility=facility,
        kind=kind,
        status=Status.SUBMITTED,
        reference=REFERENCE,
        access_level_requested=AccessLevel.CONTACT,
        program_area="religious",
        answers=answers,
        signature_name=signature,
        signed_on=date(2026, 2, 9),
        revised_on=revised_on,
        submitted_at=datetime(2026, 2, 9, 15, 30, tzinfo=ZoneInfo("America/Chicago")),
    )
    CriminalHistoryEntry.objects.create(
        application=application,
        date=date(1989, 7, 4),
        place="Columbia, Boone County, MO",
        offence="Minor in possession of alcohol",
        disposition="Fined $50; record sealed",
        explanation="I was twenty and at a lake party. Nothing since.",
    )
    Relationship.objects.create(
        application=application,
        name="Kevin Whitlock",
        doc_number="1234567",
        relationship="Nephew",
        facility=FacilityFactory.create(code="BCC", name="Boonville Correctional Center"),
    )
    for document_kind, name in [
        (DocumentKind.REFERENCE_LETTER, "Letter from Rev Okafor.pdf"),
        *(
            [(DocumentKind.SCHOOL_LETTER, "Lincoln practicum letter.pdf")]
            * (kind == "student_intern")
        ),
    ]:
        ApplicationDocument.objects.create(
            application=application,
            kind=document_kind,
            file=f"applications/{application.public_id}/{name.split()[0].lower()}",
            original_name=name,
            content_type="application/pdf",
            size=48213,
        )
    return application


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed (boxes wrap long labels over lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def save_page_one(pdf: bytes, folder: Path, name: str) -> Path:
    """Page 1 as a PNG in the test artifacts, for a person to look at."""
    if shutil.which("pdftoppm") is None:
        reason = "pdftoppm (poppler-utils) is not installed: no PNG of the PDF"
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            str(folder / name),
        ],
        input=pdf,
        check=True,
        timeout=60,
    )
    png = folder / f"{name}.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    return png


@pytest.fixture
def facility() -> Facility:
    return FacilityFactory.create(code="ACC", name="Algoa Correctional Center")


@pytest.mark.parametrize("kind", [Kind.VOLUNTEER, Kind.REENTRY_PARTNER, Kind.STUDENT_INTERN])
def test_filled_form_has_the_answers_the_reference_and_every_section(
    facility: Facility, kind: str, artifacts_dir: Path
) -> None:
    application = make_application(facility, kind)
    pdf = application_pdf(application)

    assert pdf.startswith(b"%PDF-")
    assert 2 <= page_count(pdf) <= 6
    text = text_of(pdf)
    assert application.form_title in text
    assert "Missouri Department of Corrections" in text
    assert "Algoa Correctional Center" in text
    assert str(Kind(kind).label) in text
    assert "Offender contact" in text
    assert "Marjorie" in text
    assert "Whitlock-Hargreaves" in text
    assert "Marjorie Anne Whitlock-Hargreaves" in text  # applicant name and the signature
    assert REFERENCE in text
    assert "Page 1 of" in text
    for number, sect in enumerate(sections.sections_for(kind), start=1):
        assert str(sect.title).upper() in text.upper(), sect.title
        assert number == sect.number
    # Identifiers only masked; entries, documents and the signature date are there.
    assert "6789" in text
    assert "Minor in possession of alcohol" in text
    assert "Kevin Whitlock" in text
    assert "Boonville Correctional Center" in text
    assert "Letter from Rev Okafor.pdf" in text
    assert formats.date_format(date(2026, 2, 9), "DATE_FORMAT") in text  # signed on
    assert "Revised" not in text
    for label, value in sections.display_rows(application, sections.ORGANISATION):
        if value:
            assert value in text, label
    save_page_one(pdf, artifacts_dir, f"pdf-filled-{kind}")


def test_reference_and_page_numbers_are_on_every_page(facility: Facility) -> None:
    pdf = application_pdf(make_application(facility, Kind.STUDENT_INTERN))
    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    assert total >= 2
    for number, page in enumerate(reader.pages, start=1):
        page_text = " ".join(page.extract_text().split())
        assert REFERENCE in page_text
        assert f"Page {number} of {total}" in page_text
        assert "Partners in Corrections" in page_text


def test_revision_date_is_shown(facility: Facility) -> None:
    application = make_application(facility, revised_on=date(2026, 3, 2))
    text = text_of(application_pdf(application))
    assert f"Revised {formats.date_format(date(2026, 3, 2), 'DATE_FORMAT')}" in text


def test_what_the_applicant_typed_is_text_never_markup(facility: Facility) -> None:
    application = make_application(facility, first_name=SCRIPT_NAME, signature_name=SCRIPT_NAME)
    application.answers[sections.PLACEMENT]["activities"] = '<img src="https://evil.example/x.png">'
    application.save()
    text = text_of(application_pdf(application))
    assert SCRIPT_NAME in text
    assert '<img src="https://evil.example/x.png">' in text
    assert "&lt;" not in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pdf_declares_the_language_it_is_written_in(facility: Facility, language: str) -> None:
    """A Spanish speaker's PDF is Spanish once the project has a Spanish catalogue; until
    then it is English and says so (never lang="es" around English text, Spanish dates)."""
    pdf = application_pdf(make_application(facility, language=language))
    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    english = "Date of birth March 14, 1968" in text_of(pdf)
    assert root.get("/Lang") == rendered_language(language)
    assert (root.get("/Lang") == "en") == english


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (Kind.VOLUNTEER, "application-for-facility-access"),
        (Kind.STUDENT_INTERN, "volunteer-student-intern-application"),
    ],
)
def test_blank_form(kind: str, name: str, artifacts_dir: Path) -> None:
    pdf = blank_form_pdf(kind)
    assert pdf.startswith(b"%PDF-")
    assert 2 <= page_count(pdf) <= 6
    text = text_of(pdf)
    title = (
        "Volunteer/Student Intern Application"
        if kind == Kind.STUDENT_INTERN
        else ("Application for Facility Access")
    )
    assert title in text
    assert "Page 1 of" in text
    for sect in sections.sections_for(kind):
        assert str(sect.title).upper() in text.upper(), sect.title
    assert "PIC-" not in text
    # Every question is printed, choice questions with their options.
    for sect in sections.sections_for(kind):
        form_class = sect.form_class(kind)
        for field_name, field in form_class.base_fields.items() if form_class else []:
            if field_name == "signature_name" or getattr(field, "screen_only", False):
                continue  # the signature block has its own label and line; the registry
                # list is on screen only (the name box carries it on paper)
            label = " ".join(str(field.label).split())
            assert label in text, label
            if isinstance(field, forms.ChoiceField):
                choices: Any = field.choices
                for _value, option in choices:
                    assert str(option) in text
    for document_kind in app_forms.DOCUMENT_KINDS[kind]:
        assert str(DocumentKind(document_kind).label) in text
    if kind == Kind.VOLUNTEER:
        assert "reentry partners" in text
        assert "Type of organization" in text  # the partner's questions, on the same form
    save_page_one(pdf, artifacts_dir, f"pdf-blank-{name}")


def test_blank_form_for_a_reentry_partner_is_the_facility_access_form() -> None:
    assert "Application for Facility Access" in text_of(blank_form_pdf(Kind.REENTRY_PARTNER))


def test_blank_form_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="Unknown kind"):
        blank_form_pdf("visitor")


def test_css_strings_escape_everything_but_letters_digits_and_spaces() -> None:
    import tinycss2

    text = 'Missouri \u2014 Page 1 "x"; } @import url(https://evil.example) \\'
    quoted = css_string(text)
    assert all(ch.isascii() and (ch.isalnum() or ch in ' \\"') for ch in quoted)
    tokens = [t for t in tinycss2.parse_component_value_list(quoted) if t.type != "whitespace"]
    assert len(tokens) == 1
    assert tokens[0].type == "string"
    assert tokens[0].value == text


def test_long_answers_and_many_entries_stay_on_the_page(
    facility: Facility, artifacts_dir: Path
) -> None:
    application = make_application(facility, Kind.VOLUNTEER)
    long_word = "x" * 180
    application.answers[sections.PLACEMENT]["activities"] = ("Teach GED mathematics. " * 80).strip()
    application.answers[sections.ORGANISATION]["reference_email"] = f"{long_word}@example.org"
    application.answers[sections.IDENTITY]["street_address"] = long_word
    application.save()
    for number in range(20):
        CriminalHistoryEntry.objects.create(
            application=application,
            date=date(1990 + number, 1, 1),
            place="Kansas City, Jackson County, MO",
            offence=f"Offence number {number} with a long description of what happened",
            disposition="Dismissed",
            explanation="A long explanation. " * 8,
        )
    pdf = application_pdf(application)
    assert page_count(pdf) <= 8
    text = text_of(pdf)
    assert "Offence number 19" in text
    assert "Page 1 of" in text
    save_page_one(pdf, artifacts_dir, "pdf-filled-long")


def test_the_pdf_loads_nothing_but_the_projects_static_files() -> None:
    from django.conf import settings

    fetcher = url_fetcher()
    static = Path(settings.BASE_DIR) / "static"
    favicon = (static / "img" / "favicon.svg").as_uri()
    response = fetcher.fetch(favicon)
    try:
        assert b"<svg" in response.read()
    finally:
        response.close()
    for url in [
        "https://evil.example/x.png",
        "http://127.0.0.1:8000/staff/",
        (Path(settings.BASE_DIR) / "pyproject.toml").as_uri(),
        f"{static.as_uri()}/../pyproject.toml",
        "file:///etc/passwd",
        "data:text/plain,hello",
    ]:
        with pytest.raises(ValueError, match="may not load"):
            fetcher.fetch(url)


def test_a_repeat_download_is_read_from_storage_until_the_answers_change(
    facility: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11: the filled form is rendered once (about a second of CPU) and then served
    from storage; a revision of the answers is a different document, rendered anew."""
    from applications import pdf as pdf_module

    renders: list[str] = []
    write_pdf = pdf_module._write_pdf

    def counted(html: str) -> bytes:
        renders.append(html)
        return write_pdf(html)

    monkeypatch.setattr(pdf_module, "_write_pdf", counted)
    application = make_application(facility)
    first = application_pdf(application)
    assert application_pdf(application) == first
    assert len(renders) == 1

    application.answers[sections.PLACEMENT]["activities"] = "Tutor for the high school equivalency."
    application.save()
    revised = application_pdf(application)
    assert len(renders) == 2
    assert "Tutor for the high school equivalency." in text_of(revised)
    # Another language is another document too.
    application_pdf(application, "es")
    assert len(renders) == 3
    assert application_pdf(application) == revised
    assert len(renders) == 3
    # One file per language: the revision replaced the first answers' file.
    storage = storages["private"]  # never the media storage: it holds every answer
    folder = f"application-pdfs/{application.pk}"
    assert sorted(name[:3] for name in storage.listdir(folder)[1]) == ["en-", "es-"]
    assert pdf_module.forget_stored_pdfs(application) == 2
    assert storage.listdir(folder)[1] == []
    application_pdf(application)
    assert len(renders) == 4
