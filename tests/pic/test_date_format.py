"""One date format wherever a person reads a date: "December 1, 2026" (issue 8, item 21).

Django's English formats abbreviate ("Dec. 1, 2026", "Sept. 10, 2004"), some templates printed
ISO ("2027-06-01") and e-mails printed the ISO text their task was given. ISO stays for CSV.
"""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import formats, translation
from django.utils.html import strip_tags

from accounts.models import User
from accounts.tasks import send_templated_email
from facilities.models import Facility
from tests.screening.helpers import activated

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ABBREVIATED = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,2}\b")


def readable_text(html: str) -> str:
    """What a person reads: no tags, attributes (input values are ISO by HTML's rule) or
    scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return strip_tags(html)


def test_the_english_formats_spell_the_month() -> None:
    with translation.override("en"):
        assert formats.date_format(date(2026, 12, 1)) == "December 1, 2026"
        assert formats.date_format(date(2004, 9, 10)) == "September 10, 2004"
        noon = datetime(2026, 12, 8, 9, 0, tzinfo=ZoneInfo("America/Chicago"))
        assert formats.date_format(noon, "DATETIME_FORMAT") == "December 8, 2026, 9:00 AM"


@pytest.mark.django_db
def test_staff_and_applicant_pages_show_dates_one_way(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = activated(facility, by=iac)
    assert grant.expires_on is not None
    expected = formats.date_format(grant.expires_on)
    client.force_login(iac)
    pages = [
        f"/staff/facilities/{facility.code}/access/{grant.pk}/",
        f"/staff/applications/{grant.application.reference}/",
        f"/staff/people/{grant.person.public_id}/",
        f"/staff/facilities/{facility.code}/roster/",
    ]
    for path in pages:
        text = readable_text(client.get(path).content.decode())
        assert ISO.findall(text) == [], path
        assert ABBREVIATED.findall(text) == [], path
    access_page = readable_text(client.get(pages[0]).content.decode())
    assert expected in access_page

    assert grant.person.user is not None
    client.force_login(grant.person.user)
    for path in [
        "/account/",
        "/account/access/",
        f"/account/applications/{grant.application.public_id}/",
    ]:
        text = readable_text(client.get(path).content.decode())
        assert ISO.findall(text) == [], path
        assert ABBREVIATED.findall(text) == [], path
    assert expected in readable_text(client.get("/account/access/").content.decode())


@pytest.mark.django_db
def test_emails_print_the_iso_dates_they_are_given_as_readable_dates() -> None:
    from django.core import mail

    send_templated_email.call(
        to=["ana@example.org"],
        template="access_activated",
        context={
            "name": "Ana",
            "facility": "Algoa Correctional Center",
            "badge": "ACC-00001",
            "level": "No offender contact",
            "expires_on": "2028-12-01",
            "contact_eligible_on": "2027-06-01",
            "url": "/account/access/",
        },
    )
    send_templated_email.call(
        to=["iac@example.org"],
        template="coordinator_digest",
        context={"lines": ["x"], "day": "2026-09-10"},
    )
    activated_mail, digest = mail.outbox
    assert "valid until December 1, 2028" in activated_mail.body
    assert "from June 1, 2027, when you turn 19" in activated_mail.body
    assert digest.subject == "PIC Portal daily digest, September 10, 2026"
    for message in mail.outbox:
        assert ISO.findall(f"{message.subject}\n{message.body}") == []


def test_no_template_formats_a_date_its_own_way() -> None:
    """Templates use the named formats (DATE_FORMAT by `|date`), never ISO or abbreviations."""
    bad = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        for fmt in re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8")):
            if not fmt.endswith("_FORMAT") and re.search(r"[MNbDmdy]|Y-", fmt):
                bad.append(f"{path.name}: {fmt}")
    assert bad == []
