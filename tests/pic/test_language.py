"""A page, e-mail or PDF declares the language its text is in (issue 8, item 7).

Django ships a Spanish catalogue of its own. Without the project's, a Spanish-preferring
browser or applicant must get English text declared `lang="en"` with English dates, not
`lang="es"` and "9 de febrero" inside English sentences; with it (locale/es, issue 14) they
get Spanish. The tests check the text, not a fixed language code.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.test.utils import override_settings
from django.utils import formats, timezone, translation

from accounts.languages import rendered_language
from accounts.tasks import send_templated_email
from applications.models import Application
from facilities.models import Facility
from tests.factories import FacilityFactory, submitted_application

SKIP_LINK_EN = "Skip to main content"
SKIP_LINK_ES = "Saltar al contenido principal"


def declared(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found, html[:200]
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["es", "es-MX,es;q=0.9", "en-US,en;q=0.8", "fr"])
def test_a_page_declares_the_language_it_is_written_in(client: Client, accept: str) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    html = response.content.decode()
    lang = declared(html)
    assert lang == rendered_language(accept.split(",")[0])
    assert (lang == "en") == (SKIP_LINK_EN in html)
    assert response["Content-Language"] == lang


@pytest.mark.django_db
def test_an_applicant_preferring_spanish_reads_dates_in_the_language_of_the_text(
    client: Client, facility: Facility
) -> None:
    """Spanish text carries Spanish dates ("1 de diciembre de 2026"); without a project
    catalogue, English text and English dates ("December 1, 2026")."""
    application: Application = submitted_application(facility=facility)
    application.person.preferred_language = "es"
    application.person.save()
    assert application.person.user is not None
    client.force_login(application.person.user)

    response = client.get(
        f"/account/applications/{application.public_id}/", HTTP_ACCEPT_LANGUAGE="es"
    )
    html = response.content.decode()
    # The day as the page shows it: in the department's time zone (UTC's date differs
    # every evening from 18:00 in Missouri).
    event_day = timezone.localdate(application.events.order_by("at").first().at)  # type: ignore[union-attr]
    lang = rendered_language("es")
    with translation.override(lang):
        local_date = formats.date_format(event_day)
    assert declared(html) == lang
    assert local_date in html
    assert (SKIP_LINK_EN if lang == "en" else SKIP_LINK_ES) in html
    if lang == "es":
        assert " de " in local_date


@pytest.mark.django_db
def test_an_email_to_a_spanish_speaker_is_in_the_language_it_claims() -> None:
    send_templated_email.call(
        to=["ana@example.org"],
        template="sign_in_link",
        context={"link": "https://pic.example/x/"},
        language="es",
    )
    body = str(mail.outbox[-1].body)
    english = "Use this link to sign in to PIC Portal" in body
    assert english == (rendered_language("es") == "en")


def _compile_spanish(root: Path) -> Path:
    messages = root / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{SKIP_LINK_EN}"\nmsgstr "{SKIP_LINK_ES}"\n',
        encoding="utf-8",
    )
    subprocess.run(
        [
            str(shutil.which("msgfmt")),
            "-o",
            str(messages / "django.mo"),
            str(messages / "django.po"),
        ],
        check=True,
    )
    return root


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_with_a_project_catalogue_spanish_is_declared_and_used(
    client: Client, tmp_path: Path
) -> None:
    with override_settings(LOCALE_PATHS=[_compile_spanish(tmp_path)]):
        assert rendered_language("es") == "es"
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
        assert declared(html) == "es"
        assert SKIP_LINK_ES in html


@pytest.mark.django_db
def test_the_public_directory_s_filters_read_in_spanish(client: Client) -> None:
    """The directory is public: its filter labels are in the applicant's language, not
    staff English (they were listed as staff-only). The project's own catalogue."""
    if rendered_language("es") != "es":
        pytest.skip("the Spanish catalogue is not compiled (make messages)")
    FacilityFactory()
    html = client.get("/facilities/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    for spanish in (
        "Nombre o ciudad",
        "Tipo de centro",
        "Todos los tipos",
        "Incluir centros cerrados",
    ):
        assert spanish in html
    assert "All types" not in html
