"""Private files (issue 13 item 6): a TB result counts everywhere, but its scan, and a paper
signature's scan, are downloadable only by the coordinators of the facility they were given
for; uploads are size-limited and sniffed; every stored file sits in the private storage,
and no URL serves media."""

from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from applications import age
from facilities.models import Facility, Role
from tests.conftest import member
from tests.volunteers.activation_helpers import grant_at
from volunteers import activation
from volunteers.models import FacilityAccess, TBTest
from volunteers.services.agreements import publish_version, record_paper_signature

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4 Boonville TB result"


@pytest.fixture
def boonville_iac(other_facility: Facility) -> User:
    return member(other_facility, Role.IAC)


@pytest.fixture
def two_grants(facility: Facility, other_facility: Facility, iac: User, boonville_iac: User) -> Any:
    """One person with access at Algoa and at Boonville."""
    algoa = grant_at(facility, by=iac)
    boonville = grant_at(other_facility, by=boonville_iac, person=algoa.person)
    return algoa, boonville


def _scan_url(grant: FacilityAccess, test: TBTest) -> str:
    return reverse("volunteers:access_tb_scan", args=[grant.facility.code, grant.pk, test.pk])


def test_a_boonville_scan_is_not_algoa_s_to_download(
    client: Client, two_grants: Any, iac: User, boonville_iac: User, pic_coordinator: User
) -> None:
    algoa, boonville = two_grants
    client.force_login(boonville_iac)
    client.post(
        reverse("volunteers:access_tb_test", args=[boonville.facility.code, boonville.pk]),
        {
            "tested_on": age.today().isoformat(),
            "result": "negative",
            "scan": SimpleUploadedFile("tb.pdf", SCAN),
        },
    )
    test = TBTest.objects.get()
    assert test.facility == boonville.facility

    got = client.get(_scan_url(boonville, test))
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == SCAN
    assert "no-store" in got["Cache-Control"]

    client.force_login(iac)
    page = client.get(reverse("volunteers:access", args=[algoa.facility.code, algoa.pk]))
    # The result counts at Algoa too (the activation gate needs it); the scan is not theirs.
    assert "Negative" in page.content.decode()
    assert _scan_url(algoa, test) not in page.content.decode()
    assert client.get(_scan_url(algoa, test)).status_code == 404
    assert client.get(_scan_url(boonville, test)).status_code == 404  # not their facility

    client.force_login(pic_coordinator)
    assert client.get(_scan_url(boonville, test)).status_code == 200
    assert client.get(_scan_url(algoa, test)).status_code == 404


def test_a_scan_recorded_before_facilities_were_kept_is_the_pic_coordinator_s(
    client: Client, two_grants: Any, iac: User, pic_coordinator: User
) -> None:
    algoa, _ = two_grants
    test = activation.record_tb_test(
        person=algoa.person,
        tested_on=age.today(),
        result="negative",
        by="tests",
        scan=SimpleUploadedFile("tb.pdf", SCAN),
    )

    client.force_login(iac)
    assert client.get(_scan_url(algoa, test)).status_code == 404
    client.force_login(pic_coordinator)
    assert client.get(_scan_url(algoa, test)).status_code == 200


def test_a_paper_signature_s_scan_is_the_recording_facility_s(
    client: Client, two_grants: Any, iac: User, boonville_iac: User
) -> None:
    algoa, boonville = two_grants
    version = publish_version(
        kind="service_agreement",
        title="Service agreement",
        text_en="I agree.",
        effective_on=age.today(),
        by="tests",
    )
    signature = record_paper_signature(
        person=boonville.person,
        version=version,
        signed_name=boonville.person.full_name,
        signed_on=age.today(),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed at Boonville"),
        by=boonville_iac,
        facility=boonville.facility,
    )

    def url(grant: FacilityAccess) -> str:
        return reverse(
            "volunteers:access_agreement_scan",
            args=[grant.facility.code, grant.pk, signature.pk],
        )

    client.force_login(boonville_iac)
    assert client.get(url(boonville)).status_code == 200
    client.force_login(iac)
    listing = client.get(
        reverse("volunteers:access_agreements", args=[algoa.facility.code, algoa.pk])
    )
    assert url(algoa) not in listing.content.decode()
    assert client.get(url(algoa)).status_code == 404


@pytest.mark.parametrize(
    ("content", "limit", "error"),
    [
        (b"MZ\x90\x00 a program, not a scan", None, "not a PDF, JPEG or PNG"),
        (b"%PDF-1.4 " + b"x" * 200, 100, "larger than 10 MB"),
    ],
)
def test_a_bad_scan_is_refused_with_the_other_answers_kept(
    client: Client,
    facility: Facility,
    iac: User,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    limit: int | None,
    error: str,
) -> None:
    if limit is not None:  # the 10 MB limit, made small: the check is the same
        monkeypatch.setattr("applications.forms.MAX_UPLOAD_BYTES", limit)
    grant = grant_at(facility, by=iac)
    client.force_login(iac)
    tested_on = age.today().isoformat()

    response = client.post(
        reverse("volunteers:access_tb_test", args=[facility.code, grant.pk]),
        {
            "tested_on": tested_on,
            "result": "positive_cleared",
            "scan": SimpleUploadedFile("result.pdf", content, "application/pdf"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert f'value="{tested_on}"' in page
    assert response.context["tb_form"]["result"].value() == "positive_cleared"
    assert not TBTest.objects.exists()


def test_every_stored_file_is_in_the_private_storage() -> None:
    private = storages["private"]
    fields = [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert len(fields) >= 4  # documents, TB scans, signature scans, certificates
    for model, field in fields:
        assert field.storage is private or field.storage.location == private.location, model  # type: ignore[attr-defined]


def _views(patterns: list[Any]) -> list[Any]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            found.append(entry.callback)
    return found


def test_no_url_serves_media() -> None:
    from django.views.static import serve

    assert serve not in _views(get_resolver().url_patterns)
