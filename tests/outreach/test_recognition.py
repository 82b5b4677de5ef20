"""Recognition: milestone edges, the certificate job's progress and its one PDF, the
volunteer's own certificate."""

import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import User
from applications import age
from audit.models import AuditEvent
from facilities.models import Facility, ProgramSettings, Role
from outreach import recognition as R
from outreach.models import CertificateJob, JobStatus
from tests.conftest import ARTIFACTS, member
from tests.factories import FacilityFactory
from tests.outreach.helpers import hours
from tests.volunteers.activation_helpers import active_grant
from volunteers.models import HourStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("99.75"), []),
        (Decimal(100), [100]),
        (Decimal("499.99"), [100]),
        (Decimal(500), [100, 500]),
        (Decimal(1000), [100, 500, 1000]),
    ],
)
def test_hour_milestones_at_their_edges(value: Decimal, expected: list[int]) -> None:
    assert R.reached(value, R.HOUR_MILESTONES) == expected


@pytest.mark.parametrize(
    ("first", "on", "years"),
    [
        (date(2020, 4, 20), date(2021, 4, 19), 0),
        (date(2020, 4, 20), date(2021, 4, 20), 1),
        (date(2016, 4, 20), date(2021, 4, 20), 5),
        (date(2011, 4, 20), date(2021, 4, 19), 9),
        (date(2011, 4, 20), date(2021, 4, 20), 10),
        (date(2020, 2, 29), date(2021, 2, 28), 0),  # as age counts it: 1 March
        (date(2020, 2, 29), date(2021, 3, 1), 1),
        (None, date(2021, 3, 1), 0),
    ],
)
def test_years_of_service_at_their_edges(first: date | None, on: date, years: int) -> None:
    assert R.years_of_service(first, on) == years
    assert R.reached(years, R.YEAR_MILESTONES) == [m for m in (1, 5, 10) if years >= m]


@pytest.fixture
def acc() -> Facility:
    return FacilityFactory.create(code="ACC", name="Algoa Correctional Center")


@pytest.fixture
def iac(acc: Facility) -> User:
    return member(acc, Role.IAC)


def _anniversary(years: int, days: int = 0) -> date:
    today = age.today()
    return age.date_reaching(today, -years) - timedelta(days=days)


def test_years_count_from_the_first_activation_anywhere(acc: Facility, iac: User) -> None:
    other = FacilityFactory.create(code="BCC")
    earlier = active_grant(other, by=member(other, Role.IAC), on=_anniversary(5))
    here = active_grant(acc, by=iac, on=_anniversary(1, days=-3))  # not a year yet here
    here.person, here.person_id = earlier.person, earlier.person_id
    here.save()
    hours(earlier, 60, on=age.today())
    hours(here, 48, on=age.today())
    hours(here, 8, on=age.today(), status=HourStatus.PENDING)  # not approved: not counted
    hours(here, 8, on=date(age.today().year - 1, 6, 1))  # last year: not this year's

    [row] = R.standings(R.active_grants(acc), age.today())

    assert row.first_activated_on == _anniversary(5)
    assert row.years == 5
    assert row.year_milestones == [1, 5]
    assert row.hours_this_year == Decimal(48)
    assert row.hours_total == Decimal(116)  # every approved hour anywhere
    assert row.hour_milestones == [100]
    assert (row.next_hours, row.next_years) == (500, 10)


def test_the_certificate_job_shows_progress_and_ends_in_one_pdf(
    client: Client,
    acc: Facility,
    iac: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings_row = ProgramSettings.load()
    settings_row.pic_coordinator_name = "Pat Morgan"
    settings_row.save()
    grants = [active_grant(acc, by=iac, on=_anniversary(n)) for n in (0, 1, 6)]
    hours(grants[2], "12.5", on=age.today())
    other = FacilityFactory.create(code="BCC")
    active_grant(other, by=member(other, Role.IAC))  # another facility's: not in this PDF
    seen: list[int] = []
    original = R._progress
    monkeypatch.setattr(R, "CERTIFICATE_CHUNK", 2)
    monkeypatch.setattr(
        R, "_progress", lambda job_id, done: (seen.append(done), original(job_id, done))
    )
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("recognition:certificates", args=[acc.code]))

    job = CertificateJob.objects.get()
    assert started["Location"] == reverse("recognition:certificate_job", args=[acc.code, job.pk])
    assert seen == [2, 3]  # progress after each batch, on the job row
    assert (job.status, job.total, job.done) == (JobStatus.DONE, 3, 3)
    page = client.get(started["Location"]).content.decode()
    assert 'value="3"' in page
    assert "Download the certificates" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling

    download = client.get(reverse("recognition:certificate_download", args=[acc.code, job.pk]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    reader = PdfReader(io.BytesIO(content))
    assert "no-store" in download["Cache-Control"]
    assert len(reader.pages) == 3
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (792, 612)  # US Letter, landscape
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    third = next(t for t in texts if grants[2].person.last_name in t)
    assert "Certificate of Appreciation" in third
    assert f"National Volunteer Week {age.today().year}" in third
    assert "Algoa Correctional Center" in third
    compact = third.replace(" ", "")  # the big figure and its caption are separate boxes
    assert f"12.5hoursofservicein{age.today().year}" in compact
    assert "6yearsofservice" in compact
    assert "Pat Morgan" in third
    assert AuditEvent.objects.filter(action="outreach.certificates_downloaded").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "certificates.pdf"
    pdf_path.write_bytes(content)
    subprocess.run(
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(ARTIFACTS / "certificate"),
        ],
        check=True,
    )


def test_the_job_page_polls_while_it_runs(client: Client, acc: Facility, iac: User) -> None:
    active_grant(acc, by=iac)
    job = R.request_certificates(facility=acc, by=iac)  # on_commit not run: queued
    client.force_login(iac)
    url = reverse("recognition:certificate_job", args=[acc.code, job.pk])

    page = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert '<progress class="w-100" max="1" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    assert partial.lstrip().startswith('<div id="progress"')
    assert (
        client.get(reverse("recognition:certificate_download", args=[acc.code, job.pk])).status_code
        == 404
    )


def test_a_volunteer_downloads_their_own_certificate(
    client: Client, acc: Facility, iac: User
) -> None:
    grant = active_grant(acc, by=iac, on=_anniversary(1))
    hours(grant, 100, on=age.today())
    client.force_login(grant.person.user)

    page = client.get(reverse("recognition_portal:recognition")).content.decode()
    pdf = client.get(reverse("recognition_portal:certificate", args=[grant.pk]))

    assert "100 hours" in page
    assert "1 year" in page
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert grant.person.last_name in text
    assert "no-store" in pdf["Cache-Control"]
    other = active_grant(acc, by=iac)
    assert client.get(reverse("recognition_portal:certificate", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 4])
def test_the_milestones_list_costs_the_same_at_any_size(
    client: Client, acc: Facility, iac: User, size: int, django_assert_num_queries: Any
) -> None:
    for _ in range(size):
        hours(active_grant(acc, by=iac), 8, on=age.today())
    client.force_login(iac)
    client.get(reverse("recognition:milestones", args=[acc.code]))

    # With the second sign-in step's device; the guard reads the memberships once.
    with django_assert_num_queries(7):
        response = client.get(reverse("recognition:milestones", args=[acc.code]))

    assert len(response.context["rows"]) == size
