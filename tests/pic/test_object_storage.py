"""PIC_STORAGE=s3: uploads and generated PDFs in an S3 bucket (django-storages), stored and
fetched through the permission-checked views; tested against moto's S3 server."""

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.conf import LazySettings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from applications import sections as S
from applications.models import ApplicationDocument
from applications.services import submit_application
from facilities.models import Facility, Role
from outreach.models import CertificateJob, JobStatus
from pic import settings as project_settings
from tests.applications.helpers import log_in, section_url
from tests.conftest import free_port, member
from tests.factories import draft_application
from tests.pic.test_settings import SETUP, production_env, run_python
from tests.volunteers.activation_helpers import active_grant

pytestmark = pytest.mark.django_db

BUCKET = "pic-private-test"
PDF = b"%PDF-1.7\n% a letter from the school\n"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for the whole run."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh bucket, and STORAGES as pic/settings.py builds them for PIC_STORAGE=s3."""
    for name, value in {
        "PIC_S3_BUCKET": BUCKET,
        "PIC_S3_ENDPOINT_URL": s3_endpoint,
        "PIC_S3_REGION": "us-east-1",
        "PIC_S3_ACCESS_KEY_ID": "testing",
        "PIC_S3_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found = s3.Bucket(BUCKET)
    found.create()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": project_settings._s3("media"),
        "private": project_settings._s3("private"),
    }
    yield found
    found.objects.all().delete()
    found.delete()


def keys(bucket: Any) -> list[str]:
    return sorted(obj.key for obj in bucket.objects.all())


def test_a_letter_is_stored_in_the_bucket_and_downloaded_through_the_checked_view(
    bucket: Any, settings: LazySettings, facility: Facility, other_facility: Facility
) -> None:
    draft = draft_application(facility=facility, complete=True)
    applicant = log_in(Client(), draft.person)

    response = applicant.post(
        section_url(draft, S.DOCUMENTS),
        {
            "kind_of_document": "reference_letter",
            "file": SimpleUploadedFile("letter.pdf", PDF),
            "action": "upload",
        },
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=draft)
    assert keys(bucket) == [f"private/{document.file.name}"]
    assert bucket.Object(f"private/{document.file.name}").get()["Body"].read() == PDF
    assert not list(Path(settings.MEDIA_ROOT).rglob(Path(document.file.name).name))
    application = submit_application(application=draft, by=draft.person.user)
    download = reverse(
        "staff:application_document", args=[application.reference, document.public_id]
    )

    staff = Client()
    staff.force_login(member(facility, Role.IAC))
    response = staff.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="letter.pdf"'

    elsewhere = Client()
    elsewhere.force_login(member(other_facility, Role.IAC))
    assert elsewhere.get(download).status_code == 404


def test_generated_certificates_are_kept_in_the_bucket(
    bucket: Any, client: Client, facility: Facility, django_capture_on_commit_callbacks: Any
) -> None:
    iac = member(facility, Role.IAC)
    active_grant(facility, by=iac)
    client.force_login(iac)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("recognition:certificates", args=[facility.code]))

    job = CertificateJob.objects.get()
    assert job.status == JobStatus.DONE
    assert keys(bucket) == [f"private/{job.file.name}"]
    response = client.get(reverse("recognition:certificate_download", args=[facility.code, job.pk]))
    assert len(PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages) == 1


def test_s3_storage_needs_a_bucket() -> None:
    result = run_python(SETUP, production_env(PIC_STORAGE="s3", PIC_S3_BUCKET=None))

    assert result.returncode != 0
    assert "PIC_S3_BUCKET" in result.stderr
    assert ImproperlyConfigured.__name__ in result.stderr


def test_an_unknown_storage_is_refused() -> None:
    result = run_python(SETUP, production_env(PIC_STORAGE="ftp"))

    assert result.returncode != 0
    assert "PIC_STORAGE must be local or s3" in result.stderr
