"""The sign-in sheet import: good, bad, mixed (imports nothing), repeated (adds nothing),
ambiguous names, and uploads that are not a sheet at all (a message, never a 500)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from facilities.models import Facility
from tests.volunteers.hours_helpers import days_ago, volunteer
from volunteers.hours_import import HEADERS, MAX_BYTES
from volunteers.models import FacilityAccess, HourEntry, HourSource, HourStatus

pytestmark = pytest.mark.django_db


def sheet(*rows: list[str], header: list[str] = HEADERS) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("sheet.csv", out.getvalue().encode(), "text/csv")


def url(facility: Facility) -> str:
    return reverse("volunteers:hours_import", args=[facility.code])


def upload(client: Client, facility: Facility, file: SimpleUploadedFile) -> str:
    response = client.post(url(facility), {"sheet": file})
    assert response.status_code in (200, 400)
    return response.content.decode()


def confirm(client: Client, facility: Facility, page: str) -> int:
    start = page.index('name="text" value="') + len('name="text" value="')
    import html

    text = html.unescape(page[start : page.index('"', start)])
    return client.post(url(facility), {"text": text}).status_code


def row(
    grant: FacilityAccess, *, name: str = "", badge: str | None = None, **cells: str
) -> list[str]:
    values = {
        "badge": grant.badge_number if badge is None else badge,
        "name": name,
        "date": days_ago(3).isoformat(),
        "start": "09:00",
        "end": "11:30",
        "hours": "",
        "program_area": "education",
        **cells,
    }
    return [values[h] for h in HEADERS]


@pytest.fixture
def two(facility: Facility, iac: User) -> tuple[FacilityAccess, FacilityAccess]:
    return volunteer(facility, by=iac, last="Volone"), volunteer(facility, by=iac, last="Voltwo")


def test_a_good_sheet_is_previewed_then_imported_approved(
    client: Client, facility: Facility, iac: User, two: tuple[FacilityAccess, FacilityAccess]
) -> None:
    one, other = two
    client.force_login(iac)
    file = sheet(
        row(one),
        row(
            other,
            badge="",
            name="jordan  VOLTWO",
            date=days_ago(4).strftime("%m/%d/%Y"),
            start="1:00 PM",
            end="3:00 PM",
        ),
        row(
            one,
            date=days_ago(5).isoformat(),
            start="",
            end="",
            hours="1.5",
            program_area="Mentoring",
        ),
    )

    page = upload(client, facility, file)

    assert "OK: Jordan Volone" in page
    assert "OK: Jordan Voltwo" in page
    assert not HourEntry.objects.exists()  # a preview writes nothing
    assert confirm(client, facility, page) == 302
    entries = HourEntry.objects.order_by("worked_on")
    assert [(e.person, e.hours, e.program_area) for e in entries] == [
        (one.person, 1.5, "mentoring"),
        (other.person, 2, "education"),
        (one.person, 2.5, "education"),
    ]
    assert {(e.source, e.status) for e in entries} == {(HourSource.IMPORT, HourStatus.APPROVED)}


def test_the_same_sheet_twice_adds_nothing(
    client: Client, facility: Facility, iac: User, two: tuple[FacilityAccess, FacilityAccess]
) -> None:
    one, other = two
    client.force_login(iac)
    rows = (row(one), row(other))
    assert confirm(client, facility, upload(client, facility, sheet(*rows))) == 302

    page = upload(client, facility, sheet(*rows))

    assert page.count("Duplicate: already recorded") == 2
    assert confirm(client, facility, page) == 302
    assert HourEntry.objects.count() == 2


def test_one_bad_row_imports_nothing(
    client: Client, facility: Facility, iac: User, two: tuple[FacilityAccess, FacilityAccess]
) -> None:
    one, other = two
    client.force_login(iac)

    page = upload(
        client,
        facility,
        sheet(row(one), row(other, date=days_ago(-2).isoformat()), row(one, badge="ACC-99999")),
    )

    assert "cannot be in the future" in page
    assert "No badge ACC-99999 at this facility" in page
    assert 'name="text"' not in page  # no import button
    assert "Nothing will be imported" in page
    # Even posted back by hand, the sheet is checked again and nothing is saved.
    text = "\r\n".join([",".join(HEADERS), ",".join(row(one)), ",".join(row(other, hours="0.3"))])
    response = client.post(url(facility), {"text": text})
    assert response.status_code == 400
    assert not HourEntry.objects.exists()


def test_the_16_hour_rule_counts_earlier_rows_of_the_sheet(
    client: Client, facility: Facility, iac: User, two: tuple[FacilityAccess, FacilityAccess]
) -> None:
    one, _other = two
    client.force_login(iac)

    page = upload(
        client,
        facility,
        sheet(
            row(one, start="06:00", end="16:00"),
            row(one, start="16:00", end="23:00"),
        ),
    )

    assert "That makes 17 hours" in page


def test_a_name_matches_only_when_unique_among_active_volunteers(
    client: Client, facility: Facility, iac: User
) -> None:
    twin = volunteer(facility, by=iac, first="Sam", last="Voltwin")
    volunteer(facility, by=iac, first="Sam", last="Voltwin")
    client.force_login(iac)

    page = upload(client, facility, sheet(row(twin, badge="", name="Sam Voltwin")))

    assert "2 active volunteers here are named Sam Voltwin: give the badge number." in page
    page = upload(client, facility, sheet(row(twin, badge="", name="Nobody Here")))
    assert "No active volunteer here is named Nobody Here." in page
    page = upload(client, facility, sheet(row(twin, name="Sam Voltwin")))
    assert "OK: Sam Voltwin" in page
    page = upload(client, facility, sheet(row(twin, name="Someone Else")))
    assert "belongs to Sam Voltwin, not Someone Else" in page


def test_another_facilitys_badge_is_unknown_here(
    client: Client, facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    elsewhere = volunteer(other_facility, by=other_iac)
    client.force_login(iac)

    page = upload(client, facility, sheet(row(elsewhere)))

    assert f"No badge {elsewhere.badge_number} at this facility" in page


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4\x00\x01\x02", "application/pdf"), "not a CSV"),
        (SimpleUploadedFile("x.csv", b"", "text/csv"), "empty"),
        (
            SimpleUploadedFile("x.csv", b"who,when\nme,today\n", "text/csv"),
            "must be exactly these headers",
        ),
        (SimpleUploadedFile("x.csv", ",".join(HEADERS).encode() + b"\n", "text/csv"), "no rows"),
        (
            SimpleUploadedFile("x.csv", b"badge" + b"x" * (MAX_BYTES + 1), "text/csv"),
            "larger than 256 KB",
        ),
        (SimpleUploadedFile("x.csv", b'badge,"name\n', "text/csv"), "headers"),
    ],
    ids=["pdf", "empty", "wrong-headers", "headers-only", "huge", "broken-quote"],
)
def test_an_upload_that_is_not_a_sheet_gets_a_message(
    client: Client, facility: Facility, iac: User, file: SimpleUploadedFile, message: str
) -> None:
    client.force_login(iac)

    response = client.post(url(facility), {"sheet": file})

    assert response.status_code in (200, 400)  # a form error, or the sheet refused
    assert message in response.content.decode()


def test_no_file_at_all_is_a_form_error(client: Client, facility: Facility, iac: User) -> None:
    client.force_login(iac)

    response = client.post(url(facility), {})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_template_downloads(client: Client, facility: Facility, iac: User) -> None:
    client.force_login(iac)

    response = client.get(reverse("volunteers:hours_import_template", args=[facility.code]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0] == ",".join(HEADERS)
