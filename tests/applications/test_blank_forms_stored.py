"""Blank forms are rendered once per deploy (issue 11) and then served from storage, under
a key that a change to what they are made of replaces."""

from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client

from applications import pdf

pytestmark = pytest.mark.django_db

URL = "/forms/application-for-facility-access.pdf"


@pytest.fixture
def rendered(settings: LazySettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    calls: list[str] = []

    def counted(kind: str) -> bytes:
        calls.append(kind)
        return f"%PDF-1.7 blank {kind} {len(calls)}".encode()

    monkeypatch.setattr(pdf, "blank_form_pdf", counted)
    return calls


def test_rendered_once_then_read_from_storage(
    client: Client, rendered: list[str], tmp_path: Path
) -> None:
    first = client.get(URL)
    second = client.get(URL)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content == b"%PDF-1.7 blank volunteer 1"
    assert rendered == ["volunteer"]
    stored = list(tmp_path.glob("blank-forms/*/en/volunteer.pdf"))
    assert [p.read_bytes() for p in stored] == [first.content]


def test_each_form_and_language_is_its_own_file(client: Client, rendered: list[str]) -> None:
    client.get(URL)
    client.get("/forms/volunteer-student-intern-application.pdf")
    client.get(URL)

    assert rendered == ["volunteer", "student_intern"]


def test_a_new_deploy_renders_again(
    client: Client, rendered: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get(URL)
    monkeypatch.setattr(pdf, "blank_forms_key", lambda: "next-deploy")

    assert client.get(URL).content == b"%PDF-1.7 blank volunteer 2"
    assert rendered == ["volunteer", "volunteer"]


def test_the_key_follows_the_form_sources(settings: LazySettings, tmp_path: Path) -> None:
    (tmp_path / "templates" / "pdf").mkdir(parents=True)
    template = tmp_path / "templates" / "pdf" / "application.html"
    template.write_text("one")
    settings.BASE_DIR = tmp_path
    pdf.blank_forms_key.cache_clear()
    try:
        before = pdf.blank_forms_key()
        template.write_text("two")
        pdf.blank_forms_key.cache_clear()
        assert pdf.blank_forms_key() != before
    finally:
        pdf.blank_forms_key.cache_clear()
