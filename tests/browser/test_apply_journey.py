"""A newcomer applies as a volunteer: from the facility page, by e-mailed link, through every
section, to the submitted application and its PDF. A screenshot of each step. In English,
and in Spanish chosen with the header's switcher (issue 14): the same buttons, in Spanish."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from pypdf import PdfReader

from applications.models import Application, Status
from tests.factories import FacilityFactory, valid_answers

# What the journey reads and presses, in each language.
WORDS = {
    "en": {
        "apply": "Apply to this facility",
        "email": "E-mail address",
        "send": "Send me a sign-in link",
        "check": "Check your e-mail",
        "sign_in": "Sign in",
        "start": "Start",
        "upload": "Upload",
        "continue": "Continue",
        "save": "Save and continue",
        "problem": "There is a problem",
        "contact": "You asked for offender contact",
        "submit": "Submit application",
        "subject": "Your PIC Portal sign-in link",
        "pdf": "CRIMINAL HISTORY",
    },
    "es": {
        "apply": "Presentar una solicitud en este centro",
        "email": "Correo electrónico",
        "send": "Enviarme un enlace para iniciar sesión",
        "check": "Revise su correo electrónico",
        "sign_in": "Iniciar sesión",
        "start": "Comenzar",
        "upload": "Subir",
        "continue": "Continuar",
        "save": "Guardar y continuar",
        "problem": "Hay un problema",
        "contact": "Pidió contacto con personas bajo supervisión",
        "submit": "Enviar la solicitud",
        "subject": "Su enlace para iniciar sesión en PIC Portal",
        "pdf": "ANTECEDENTES PENALES",
    },
}


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"apply-{name}.png"), full_page=True)


def fill(page: Any, data: dict[str, str]) -> None:
    for name, value in data.items():
        if name.startswith("entries-"):
            continue
        field = page.locator(f"[name='{name}']")
        kind = field.first.get_attribute("type")
        if kind == "radio":
            page.check(f"input[name='{name}'][value='{value}']")
        elif kind == "checkbox":
            page.check(f"input[name='{name}']")
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


@pytest.mark.parametrize("language", ["en", "es"])
def test_volunteer_applies_from_facility_page_to_pdf(
    page: Any,
    live_server: Any,
    artifacts_dir: Path,
    transactional_db: Any,
    tmp_path: Path,
    language: str,
) -> None:
    words = WORDS[language]
    prefix = "" if language == "en" else "es-"
    FacilityFactory.create(code="ACC", name="Algoa Correctional Center")
    page.goto(f"{live_server.url}/facilities/ACC/")
    if language == "es":  # the header's switcher: back on the same page, in Spanish
        page.get_by_role("button", name="Español", exact=True).click()
        page.wait_for_url("**/facilities/ACC/")
        assert page.locator("html").get_attribute("lang") == "es"
        page.get_by_role("button", name="English", exact=True).wait_for()
    page.get_by_role("link", name=words["apply"], exact=True).click()

    page.wait_for_url("**/account/sign-in/**")
    page.get_by_label(words["email"]).fill("jordan.rivera@example.org")
    shot(page, artifacts_dir, f"{prefix}01-sign-in")
    page.get_by_role("button", name=words["send"], exact=True).click()
    page.get_by_role("heading", name=words["check"], exact=True).wait_for()
    assert mail.outbox[-1].subject == words["subject"]
    link = re.search(r"http://\S+/account/sign-in/[\w-]+/", mail.outbox[-1].body).group(0)

    page.goto(link)
    page.get_by_role("button", name=words["sign_in"], exact=True).click()
    page.wait_for_url("**/account/apply/?facility=ACC")
    assert page.locator("html").get_attribute("lang") == language
    page.check("input[name='kind'][value='volunteer']")
    shot(page, artifacts_dir, f"{prefix}02-start")
    page.get_by_role("button", name=words["start"], exact=True).click()

    answers = valid_answers("volunteer")
    answers["identity"]["preferred_language"] = language
    for number, (slug, data) in enumerate(answers.items(), start=1):
        if slug == "acknowledgements":
            page.wait_for_url("**/documents/")
            upload = tmp_path / "reference.pdf"
            upload.write_bytes(b"%PDF-1.4\n% reference letter\n")
            page.set_input_files("input[name='file']", str(upload))
            page.get_by_role("button", name=words["upload"], exact=True).click()
            page.get_by_role("link", name="reference.pdf").wait_for()
            shot(page, artifacts_dir, f"{prefix}07-documents")
            page.get_by_role("button", name=words["continue"], exact=True).click()
        page.wait_for_url(f"**/{slug}/")
        if slug == "identity":
            # Leave a mistake first: the page answers with a summary and keeps every answer.
            fill(page, {**data, "date_of_birth": "2090-01-01"})
            page.get_by_role("button", name=words["save"], exact=True).click()
            page.get_by_role("heading", name=words["problem"], exact=True).wait_for()
            assert page.locator("[name='city']").input_value() == "Jefferson City"
            shot(page, artifacts_dir, f"{prefix}03-identity-error")
        fill(page, data)
        shot(page, artifacts_dir, f"{prefix}{number + 2:02d}-{slug}")
        page.get_by_role("button", name=words["save"], exact=True).click()

    page.wait_for_url("**/review/")
    assert page.get_by_text(words["contact"]).count() == 0  # born 1980
    shot(page, artifacts_dir, f"{prefix}10-review")
    page.get_by_role("button", name=words["submit"], exact=True).click()

    application = Application.objects.get()
    assert application.status == Status.SUBMITTED
    assert application.signed_language == language
    assert application.person.preferred_language == language
    page.get_by_text(application.reference).first.wait_for()
    assert page.locator("html").get_attribute("lang") == language
    shot(page, artifacts_dir, f"{prefix}11-submitted")

    response = page.request.get(
        f"{live_server.url}/account/applications/{application.public_id}/pdf/"
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    (artifacts_dir / f"apply-{prefix}12-application.pdf").write_bytes(response.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert words["pdf"] in text
    assert page.console_errors == [], page.console_errors
