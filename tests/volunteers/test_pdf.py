"""The approval letter and the badge sheet of a facility access grant."""

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from accounts.languages import rendered_language
from applications.models import AccessLevel, Application, Kind, Person
from facilities.models import Facility, FacilityKind
from tests.factories import FacilityFactory, submitted_application
from volunteers.models import AccessStatus, FacilityAccess
from volunteers.pdf import (
    approval_letter_pdf,
    badge_sheet_html,
    badge_sheet_pdf,
    weasyprint_html,
)

pytestmark = pytest.mark.django_db

SCRIPT_NAME = "<script>alert(1)</script>"
STARTS = date(2026, 3, 2)
EXPIRES = date(2028, 3, 2)
ELIGIBLE = date(2026, 9, 14)


@pytest.fixture
def facility() -> Facility:
    return FacilityFactory.create(
        code="ACC",
        name="Algoa Correctional Center",
        street_address="8501 No More Victims Road",
        city="Jefferson City",
        zip="65101",
        phone="+15737514099",
    )


def make_grant(
    facility: Facility,
    *,
    first_name: str = "Marjorie",
    language: str = "en",
    level_approved: str = AccessLevel.CONTACT,
    level_effective: str = AccessLevel.NO_CONTACT,
    contact_eligible_on: date | None = ELIGIBLE,
    kind: str = Kind.VOLUNTEER,
    badge_number: str = "ACC-00001",
) -> FacilityAccess:
    # Submission copies the identity answers to the person: set the details after it.
    application: Application = submitted_application(facility=facility, kind=kind)
    person = application.person
    for field, value in {
        "first_name": first_name,
        "middle_name": "Anne",
        "last_name": "Whitlock-Hargreaves",
        "date_of_birth": date(2007, 9, 14),
        "street_address": "1400 Southwest Boulevard, Apt. 12",
        "city": "Jefferson City",
        "state": "MO",
        "zip": "65109",
        "preferred_language": language,
    }.items():
        setattr(person, field, value)
    person.save()
    return FacilityAccess.objects.create(
        person=person,
        facility=facility,
        application=application,
        kind=kind,
        level_approved=level_approved,
        level_effective=level_effective,
        status=AccessStatus.ACTIVE,
        badge_number=badge_number,
        starts_on=STARTS,
        expires_on=EXPIRES,
        contact_eligible_on=contact_eligible_on,
    )


def text_of(pdf: bytes) -> str:
    """The PDF's text, whitespace collapsed."""
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


def test_approval_letter(facility: Facility, artifacts_dir: Path) -> None:
    grant = make_grant(facility)
    pdf = approval_letter_pdf(grant)

    assert pdf.startswith(b"%PDF-")
    assert 1 <= page_count(pdf) <= 2
    text = text_of(pdf)
    assert "Missouri Department of Corrections" in text
    assert "Partners in Corrections" in text
    assert "Algoa Correctional Center" in text
    assert "8501 No More Victims Road" in text
    assert "(573) 751-4099" in text
    assert "Marjorie Anne Whitlock-Hargreaves" in text
    assert "1400 Southwest Boulevard, Apt. 12" in text
    assert "Jefferson City, MO 65109" in text
    assert grant.application.reference
    assert grant.application.reference in text
    assert "serve as a volunteer at Algoa Correctional Center" in text
    assert "ACC-00001" in text
    assert "March 2, 2026" in text  # dated and valid from the activation
    assert "March 2, 2028" in text  # valid until
    assert "No offender contact" in text
    assert "From September 14, 2026, your 19th birthday, offender contact may be added" in text
    for rule in ["PREA", "contraband", "badge", "6 hours", "renew"]:
        assert rule in text, rule
    assert "Institutional Activities Coordinator" in text
    assert "cc: PIC Coordinator" in text
    assert f"Page 1 of {page_count(pdf)}" in text
    save_page_one(pdf, artifacts_dir, "pdf-approval-letter")


def test_letter_without_a_pending_upgrade_has_no_contact_paragraph(facility: Facility) -> None:
    grant = make_grant(facility, level_effective=AccessLevel.CONTACT, contact_eligible_on=None)
    text = text_of(approval_letter_pdf(grant))
    assert "Offender contact" in text
    assert "No offender contact" not in text
    assert "19th birthday" not in text


def test_letter_from_a_community_site_is_signed_by_the_site_coordinator() -> None:
    site = FacilityFactory.create(
        code="KCCRC",
        name="Kansas City Community Release Center",
        kind=FacilityKind.COMMUNITY_RELEASE_CENTER,
    )
    text = text_of(approval_letter_pdf(make_grant(site, kind=Kind.REENTRY_PARTNER)))
    assert "PIC Site Coordinator" in text
    assert "Institutional Activities Coordinator" not in text
    assert "serve as a reentry partner" in text


def test_badge_sheet(facility: Facility, artifacts_dir: Path) -> None:
    grant = make_grant(facility)
    pdf = badge_sheet_pdf(grant)

    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    text = text_of(pdf)
    assert "Volunteer in Corrections".upper() in text.upper()
    assert "Missouri Department of Corrections" in text
    assert "Marjorie Anne Whitlock-Hargreaves" in text
    assert "Algoa Correctional Center" in text
    assert text.count("ACC-00001") >= 2  # on the card and in the office's table
    assert "No offender contact" in text
    assert "03/02/2028" in text  # valid until, on the card
    assert "September 14, 2007" in text  # date of birth
    assert "March 2, 2026" in text  # issued
    assert "March 2, 2028" in text  # expires
    assert "Issued by" in text
    save_page_one(pdf, artifacts_dir, "pdf-badge-sheet")


def boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", []):
        yield from boxes(child)


@pytest.mark.parametrize(
    "first_name", ["Marjorie", "Maximiliana Josefina Esperanza Guadalupe Concepción del Mar"]
)
def test_badge_card_is_credit_card_size_on_one_page(facility: Facility, first_name: str) -> None:
    grant = make_grant(facility, first_name=first_name)
    document = weasyprint_html(badge_sheet_html(grant)).render()
    assert len(document.pages) == 1
    cards = [
        box
        for box in boxes(document.pages[0]._page_box)
        if box.element_tag == "div" and "card" in (box.element.get("class") or "").split()
    ]
    assert len(cards) == 2  # front and back
    for card in cards:  # CSS px are 1/96 in
        assert card.border_width() == pytest.approx(3.375 * 96, abs=0.5)
        assert card.border_height() == pytest.approx(2.125 * 96, abs=0.5)


@pytest.mark.parametrize("render", [approval_letter_pdf, badge_sheet_pdf])
def test_what_the_person_typed_is_text_never_markup(facility: Facility, render: Any) -> None:
    grant = make_grant(facility, first_name=SCRIPT_NAME)
    Person.objects.filter(pk=grant.person.pk).update(city='<img src="https://evil.example/x">')
    grant.person.refresh_from_db()
    text = text_of(render(grant))
    assert SCRIPT_NAME in text
    assert "&lt;" not in text
    if render is approval_letter_pdf:
        assert '<img src="https://evil.example/x">' in text


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("render", [approval_letter_pdf, badge_sheet_pdf])
def test_the_pdf_declares_the_language_it_is_written_in(
    facility: Facility, render: Any, language: str
) -> None:
    """Spanish once the project has a Spanish catalogue; until then English, declared so."""
    pdf = render(make_grant(facility, language=language))
    root: Any = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    english = "Access level No offender contact" in text_of(pdf) and "March 2, 2028" in text_of(pdf)
    assert root.get("/Lang") == rendered_language(language)
    assert (root.get("/Lang") == "en") == english


def test_a_lowered_level_shows_beside_the_approved_one(facility: Facility) -> None:
    """Issue 8 item 6: a coordinator lowered an adult's access to no contact."""
    grant = make_grant(facility, level_effective=AccessLevel.NO_CONTACT, contact_eligible_on=None)
    grant.person.date_of_birth = date(1980, 5, 17)
    grant.person.save()
    for pdf in (approval_letter_pdf(grant), badge_sheet_pdf(grant)):
        text = text_of(pdf)
        assert "No offender contact (approved: Offender contact)" in text
        assert "19th birthday" not in text


def test_the_badge_sheet_prints_the_badge_number_as_a_qr_code(
    facility: Facility, artifacts_dir: Path
) -> None:
    """The gate kiosk's scanner reads the badge number from the card's back (issue 9 §3)."""
    import segno

    grant = make_grant(facility, badge_number="ACC-00042")
    html = badge_sheet_html(grant)

    assert html.count('class="badge-qr"') == 1
    # The code drawn is the one for exactly the badge number, and nothing else.
    expected = segno.make("ACC-00042", error="m", micro=False)
    assert expected.svg_inline(scale=1, border=2, omitsize=True, svgclass="badge-qr") in (
        html.replace("<title>ACC-00042</title>", "")
    )
    assert "http" not in html.split('class="badge-qr"')[1].split("</svg>")[0]
    pdf = badge_sheet_pdf(grant)
    assert page_count(pdf) == 1
    assert "Scan at the gate kiosk" in text_of(pdf)
    # WeasyPrint drew it as vector paths on the page (no image to fetch).
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    content = page.get_contents()
    assert content is not None
    assert content.get_data().count(b" l") > 100  # the QR's many line segments
    save_page_one(pdf, artifacts_dir, "pdf-badge-sheet-qr")
