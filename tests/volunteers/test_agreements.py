"""Agreements: publishing numbers and hashes versions and asks active volunteers to sign;
activation needs the current version of each kind signed; the portal signature stores the
typed name, IP and hash; staff record a paper one with its scan; overdue shows on the
roster; the sweep reminds once; the PDF reproduces the text."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats
from pypdf import PdfReader

from accounts.models import User
from applications import age
from facilities.models import Facility
from tests.volunteers.activation_helpers import active_grant, complete, grant_at
from tests.volunteers.test_pdf import save_page_one
from volunteers import activation
from volunteers.agreements import content_hash, signing_deadline
from volunteers.compliance import activation_problems
from volunteers.errors import GateClosed
from volunteers.models import AgreementSignature, AgreementVersion, FacilityAccess
from volunteers.pdf import agreement_pdf
from volunteers.services.agreements import publish_version, sign_agreement
from volunteers.sweep import run_daily

pytestmark = pytest.mark.django_db

TEXT = "I bring in no contraband.\n\n  Indented line, kept exactly.\nLast line."


def publish(kind: str = "code_of_conduct", text: str = TEXT, days_ago: int = 0) -> AgreementVersion:
    version = publish_version(
        by="tests",
        kind=kind,
        title=f"Agreement {kind}",
        text_en=text,
        text_es="No traigo contrabando.",
        effective_on=age.today() - timedelta(days=days_ago),
    )
    if days_ago:
        AgreementVersion.objects.filter(pk=version.pk).update(
            published_at=version.published_at - timedelta(days=days_ago)
        )
        version.refresh_from_db()
    return version


def test_versions_are_numbered_per_kind_and_hashed() -> None:
    first = publish()
    second = publish(text="Second text.")
    other = publish(kind="prea")
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert second.content_hash == content_hash("Second text.", "No traigo contrabando.")
    assert first.content_hash != second.content_hash


def test_activation_lists_exactly_the_missing_agreements(facility: Facility, iac: User) -> None:
    conduct = publish()
    prea = publish(kind="prea")
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=("agreements",))
    problems = activation_problems(grant)
    assert problems == [
        f"“{conduct.title}” (version 1) is not signed.",
        f"“{prea.title}” (version 1) is not signed.",
    ]
    with pytest.raises(GateClosed):
        activation.activate_access(grant=grant, by=iac)

    for version in (conduct, prea):
        sign_agreement(
            person=grant.person,
            version=version,
            signed_name=grant.person.full_name,
            by="tests",
            ip_address="10.1.2.3",
        )
    assert activation_problems(grant) == []
    activation.activate_access(grant=grant, by=iac)


def test_a_new_version_asks_again_and_mails_active_volunteers(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    publish()
    grant = active_grant(facility, by=iac)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = publish(text="A new text.")
    assert [m.to for m in mail.outbox] == [[grant.person.email]]
    assert "sign" in mail.outbox[0].subject.lower()
    # The deadline reads like every other date in an e-mail, never as ISO text.
    deadline = signing_deadline(new)
    assert formats.date_format(deadline) in mail.outbox[0].body
    assert deadline.isoformat() not in mail.outbox[0].body
    pending = grant_at(facility, by=iac)
    complete(pending, by=iac, skip=("agreements",))
    assert any("version 2" in p for p in activation_problems(pending))
    assert new.pk not in grant.person.signatures.values_list("version_id", flat=True)


def test_the_portal_signature_stores_name_ip_and_hash(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    version = publish()
    assert grant.person.user is not None
    client.force_login(grant.person.user)
    url = reverse("volunteers_portal:agreement", args=[version.pk])
    page = client.get(url)
    assert "Indented line, kept exactly." in page.content.decode()

    wrong = client.post(url, {"signed_name": "Someone Else"}, REMOTE_ADDR="10.9.8.7")
    assert wrong.status_code == 200
    assert "Someone Else" in wrong.content.decode()
    assert not AgreementSignature.objects.exists()

    done = client.post(url, {"signed_name": grant.person.full_name}, REMOTE_ADDR="10.9.8.7")
    assert done.status_code == 302
    signature = AgreementSignature.objects.get()
    assert signature.ip_address == "10.9.8.7"
    assert signature.version_hash == version.content_hash
    assert signature.signed_on == age.today()
    assert not signature.on_behalf
    assert client.get(url).status_code == 404  # signed: nothing left to sign here

    pdf = client.get(reverse("volunteers_portal:agreement_pdf", args=[signature.pk]))
    assert pdf.status_code == 200
    assert "no-store" in pdf["Cache-Control"]


def test_staff_record_a_paper_signature_with_its_scan(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    version = publish()
    client.force_login(iac)
    url = reverse("volunteers:access_agreement_paper", args=[facility.code, grant.pk])
    data = {
        "version": version.pk,
        "signed_name": grant.person.full_name,
        "signed_on": age.today().isoformat(),
        "language": "en",
    }
    not_a_scan = SimpleUploadedFile("scan.pdf", b"MZ not a pdf at all", "application/pdf")
    refused = client.post(url, {**data, "scan": not_a_scan})
    assert refused.status_code == 200
    assert "not a PDF, JPEG or PNG" in refused.content.decode()
    assert not AgreementSignature.objects.exists()

    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed paper", "application/pdf")
    assert client.post(url, {**data, "scan": scan}).status_code == 302
    signature = AgreementSignature.objects.get()
    assert signature.on_behalf
    assert signature.recorded_by == iac
    assert signature.scan
    assert signature.version_hash == version.content_hash
    scan_url = reverse(
        "volunteers:access_agreement_scan", args=[facility.code, grant.pk, signature.pk]
    )
    assert b"".join(client.get(scan_url).streaming_content) == b"%PDF-1.4 signed paper"  # type: ignore[attr-defined]


def test_the_pdf_reproduces_the_signed_text(
    facility: Facility, iac: User, artifacts_dir: Path
) -> None:
    grant = grant_at(facility, by=iac)
    version = publish()
    signature = sign_agreement(
        person=grant.person,
        version=version,
        signed_name=grant.person.full_name,
        by="tests",
        ip_address="10.1.2.3",
    )
    pdf = agreement_pdf(signature, facility)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for line in TEXT.splitlines():
        assert line.strip() in text
    assert version.content_hash in text.replace("\n", "")
    assert "10.1.2.3" in text
    assert grant.person.full_name in text
    save_page_one(pdf, artifacts_dir, "agreement")


def _overdue_world(facility: Facility, iac: User) -> tuple[FacilityAccess, AgreementVersion]:
    grant = active_grant(facility, by=iac)
    version = publish(days_ago=31)  # the 30 signing days have passed
    return grant, version


def test_overdue_shows_on_the_roster(client: Client, facility: Facility, iac: User) -> None:
    grant, version = _overdue_world(facility, iac)
    client.force_login(iac)
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    assert "Agreement overdue" in page
    assert version.title in page
    sign_agreement(
        person=grant.person,
        version=version,
        signed_name=grant.person.full_name,
        by="tests",
        ip_address=None,
    )
    page = client.get(reverse("volunteers:roster", args=[facility.code])).content.decode()
    assert "Agreement overdue" not in page


def test_the_sweep_reminds_once_at_seven_days(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    publish(days_ago=23)  # deadline in 7 days
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = run_daily(today=age.today())
    assert first is not None
    assert first["agreement_reminders"] == 1
    assert any(grant.person.email in m.to for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily(today=age.today()) is None
        again = run_daily(today=age.today() + timedelta(days=1))
    assert again is not None
    assert again["agreement_reminders"] == 0
    assert not any(grant.person.email in m.to for m in mail.outbox)
