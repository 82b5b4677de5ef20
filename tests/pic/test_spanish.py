"""Spanish for applicants (issue 14, item 4): the header's switcher, remembered in a cookie and
in the person's stored preference; staff pages in English; mail, dates and numbers in the
reader's language; the applicant's PDF in the language it was signed in, with an English
rendering for staff."""

import io
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import formats, translation
from pypdf import PdfReader

from accounts.models import User
from applications import age
from applications.models import AccessLevel, Application, Person
from applications.pdf import application_pdf
from applications.services import mail_applicant, submit_application
from facilities.models import Facility
from outreach import visits
from outreach.models import VisitRequest
from tests.applications.helpers import link_path, log_in, page, request_link
from tests.applications.test_pdf import save_page_one
from tests.factories import applicant, draft_application
from tests.outreach.test_visits import post_request
from tests.pic.test_language import declared

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client: Client, language: str, next_url: str) -> object:
    return client.post("/language/", {"language": language, "next": next_url})


def pdf_text(pdf: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)


def spanish_application(facility: Facility) -> Application:
    draft = draft_application(facility=facility)
    return submit_application(application=draft, by=draft.person.user, language="es")


# The switcher ------------------------------------------------------------------------------


def test_the_header_offers_the_other_language_as_a_plain_form(client: Client) -> None:
    html = page(client.get("/facilities/?q=algoa"))
    assert 'action="/language/"' in html
    assert 'name="next" value="/facilities/?q=algoa"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<button type="submit" name="language" value="es"' in html
    assert 'lang="es"' in html

    switch(client, "es", "/")
    html = page(client.get("/"))
    assert declared(html) == "es"
    assert 'name="language" value="en"' in html


def test_switching_comes_back_to_the_same_page_in_spanish_and_is_remembered(
    client: Client,
) -> None:
    response = switch(client, "es", "/facilities/?q=algoa")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == "/facilities/?q=algoa"  # type: ignore[index]
    cookie = client.cookies[COOKIE]
    assert cookie.value == "es"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE  # outlives the browser session
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"

    html = page(client.get("/facilities/"))
    assert declared(html) == "es"
    assert "Directorio de centros" in html
    assert "Saltar al contenido principal" in html

    switch(client, "en", "/facilities/")
    assert declared(page(client.get("/facilities/"))) == "en"


def test_the_switcher_refuses_a_post_without_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = switch(client, "es", "/")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert COOKIE not in client.cookies


def test_the_switcher_never_sends_anyone_to_another_site(client: Client) -> None:
    response = switch(client, "es", "https://evil.example/")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert "evil.example" not in response["Location"]  # type: ignore[index]


def test_a_signed_in_applicant_s_choice_becomes_their_stored_preference(
    client: Client,
) -> None:
    person = applicant()
    log_in(client, person)
    switch(client, "es", "/account/")
    person.refresh_from_db()
    assert person.preferred_language == "es"
    assert declared(page(client.get("/account/"))) == "es"

    switch(client, "fr", "/account/")  # not a language of the site: nothing stored
    person.refresh_from_db()
    assert person.preferred_language == "es"


def test_signing_in_applies_the_stored_preference(
    client: Client, django_capture_on_commit_callbacks: object
) -> None:
    person = applicant(email="ana@example.org", preferred_language="es")
    request_link(client, "ana@example.org", django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.subject == "Su enlace para iniciar sesión en PIC Portal"
    assert "Use este enlace para iniciar sesión" in str(message.body)

    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # another computer, in English
    response = browser.post(link_path(message))
    assert response.status_code == 302
    assert browser.cookies[COOKIE].value == "es"
    html = page(browser.get(response["Location"]))
    assert declared(html) == "es"
    assert "Ha iniciado sesión." in html
    person.refresh_from_db()
    assert person.preferred_language == "es"


def test_a_first_sign_in_from_spanish_pages_makes_a_person_who_prefers_spanish(
    client: Client, django_capture_on_commit_callbacks: object
) -> None:
    switch(client, "es", "/")
    request_link(client, "nuevo@example.org", django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.subject == "Su enlace para iniciar sesión en PIC Portal"
    client.post(link_path(message))
    assert Person.objects.get(email="nuevo@example.org").preferred_language == "es"


def test_staff_pages_stay_english_whatever_the_cookie(client: Client, iac: User) -> None:
    client.force_login(iac)
    switch(client, "es", "/staff/")
    html = page(client.get("/staff/"))
    assert declared(html) == "en"
    assert 'action="/language/"' not in html  # no switcher on staff pages


# Mail, dates and numbers -------------------------------------------------------------------


def test_spanish_dates_and_numbers() -> None:
    with translation.override("es"):
        assert formats.date_format(date(2026, 12, 1)) == "1 de diciembre de 2026"
        assert formats.number_format(Decimal("1250.5"), force_grouping=True) == "1,250.5"
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 1)) == "December 1, 2026"


def test_an_applicant_s_mail_is_in_their_language_labels_included(
    facility: Facility, django_capture_on_commit_callbacks: object
) -> None:
    draft = draft_application(facility=facility)
    person = draft.person
    person.preferred_language = "es"  # as chosen in section 1 or with the switcher
    person.save()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        application = submit_application(application=draft, by=person.user, language="es")
    submitted = next(m for m in mail.outbox if m.to == [person.email])
    assert submitted.subject == f"Recibimos la solicitud {application.reference}"
    body = str(submitted.body)
    assert body.startswith(f"Hola, {person.first_name}:")
    assert "Recibimos su solicitud (Voluntario)" in body
    assert "Departamento de Correcciones de Missouri" in body

    # A decision made on an (English) staff page still reaches her in Spanish.
    mail.outbox.clear()
    with translation.override("en"):
        mail_applicant(application, "application_approved", level=AccessLevel.CONTACT.label)
    approved = mail.outbox[-1]
    assert approved.subject == f"Solicitud {application.reference} aprobada"
    assert "(Con contacto con personas bajo supervisión)" in str(approved.body)


# The applicant's PDF -----------------------------------------------------------------------


def test_the_spanish_applicant_s_pdf_is_in_spanish(facility: Facility, artifacts_dir: Path) -> None:
    application = spanish_application(facility)
    assert application.signed_language == "es"
    pdf = application_pdf(application)
    text = pdf_text(pdf)
    for spanish in (
        "Departamento de Correcciones de Missouri",
        "Solicitud de acceso a un centro",
        "Datos del solicitante",
        "Antecedentes penales",
        "Declaraciones y firma",
        "Firmada electrónicamente",
        "Página",
    ):
        assert spanish.casefold() in text.casefold(), spanish  # section titles are capitals
    assert "criminal history" not in text.casefold()
    with translation.override("es"):
        assert formats.date_format(application.signed_on) in text  # "1 de diciembre de 2026"
    save_page_one(pdf, artifacts_dir, "application-es")

    english = pdf_text(application_pdf(application, "en"))
    assert "CRIMINAL HISTORY" in english
    assert "ANTECEDENTES PENALES" not in english


def test_the_pdf_stays_in_the_language_it_was_signed_in(facility: Facility) -> None:
    """Switching later changes her pages and mail, not what she signed."""
    application = spanish_application(facility)
    application.person.preferred_language = "en"
    application.person.save()
    assert "ANTECEDENTES PENALES" in pdf_text(application_pdf(application))


def test_staff_see_the_applicant_s_language_and_both_renderings(
    client: Client, facility: Facility, iac: User
) -> None:
    application = spanish_application(facility)
    application.person.preferred_language = "es"
    application.person.save()
    client.force_login(iac)
    base = f"/staff/applications/{application.reference}/"
    html = page(client.get(base))
    assert "Applicant's language:" in html
    assert '<span lang="es">Español</span>' in html
    assert f'href="{base}pdf/"' in html
    assert "PDF as signed" in html
    assert f'href="{base}pdf/?rendering=en"' in html
    assert "English rendering (PDF)" in html

    signed = client.get(f"{base}pdf/")
    assert "ANTECEDENTES PENALES" in pdf_text(signed.content)
    rendering = client.get(f"{base}pdf/?rendering=en")
    assert f"{application.reference}-en.pdf" in rendering["Content-Disposition"]
    assert "CRIMINAL HISTORY" in pdf_text(rendering.content)


def test_an_english_application_has_one_pdf_link(
    client: Client, facility: Facility, iac: User
) -> None:
    draft = draft_application(facility=facility)
    application = submit_application(application=draft, by=draft.person.user, language="en")
    client.force_login(iac)
    html = page(client.get(f"/staff/applications/{application.reference}/"))
    assert "?rendering=en" not in html
    assert "Applicant's language:" in html
    assert "English" in html


def test_a_visitor_asking_in_spanish_is_answered_in_spanish(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: object
) -> None:
    switch(client, "es", f"/facilities/{facility.code}/")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        post_request(client, facility)
    made = VisitRequest.objects.get()
    assert made.language == "es"
    thanks = next(m for m in mail.outbox if m.to == ["vera@example.org"])
    assert thanks.subject == f"Su solicitud de visita a un programa en {facility.name}"
    assert "Gracias por pedir a" in str(thanks.body)

    # Scheduled from an (English) staff page: the date, the time and the program in Spanish.
    mail.outbox.clear()
    day = age.today() + timedelta(days=3)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        visits.schedule_visit(
            visit_request=made, on=day, at=time(14, 30), program="education", escort=iac, by=iac
        )
    scheduled = next(m for m in mail.outbox if m.to == ["vera@example.org"])
    with translation.override("es"):
        spanish_day = formats.date_format(day)
    body = str(scheduled.body)
    assert f"programada para el {spanish_day} a las 2:30 p.m. (Educación)" in body
