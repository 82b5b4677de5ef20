"""Identifiers encrypted at rest, a keyed hash for matching; the raw SSN is stored nowhere."""

import json
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import Client

from applications import crypto
from applications import sections as S
from applications.models import Application, Person
from facilities.models import Facility
from tests.applications.helpers import log_in, page, section_url, url
from tests.factories import applicant, draft_application, submitted_application, valid_answers

SSN = "123-45-6789"
RAW_FORMS = ("123-45-6789", "123456789", "123 45 6789")


@pytest.fixture
def fresh_fernet() -> Iterator[None]:
    crypto._fernet.cache_clear()
    yield
    crypto._fernet.cache_clear()


def test_round_trip() -> None:
    token = crypto.encrypt("123456789")

    assert token != "123456789"
    assert "123456789" not in token
    assert crypto.decrypt(token) == "123456789"


def test_empty_values_stay_empty() -> None:
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""
    assert crypto.identifier_hash("ssn", "") == ""
    assert crypto.identifier_hash("ssn", " - ") == ""


def test_each_encryption_differs() -> None:
    assert crypto.encrypt("123456789") != crypto.encrypt("123456789")


def test_a_new_key_put_first_still_decrypts_what_the_old_key_encrypted(
    settings, fresh_fernet: None
) -> None:
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.PIC_FIELD_ENCRYPTION_KEYS = [old_key]
    old_token = crypto.encrypt("123456789")

    settings.PIC_FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    crypto._fernet.cache_clear()

    assert crypto.decrypt(old_token) == "123456789"
    new_token = crypto.encrypt("987654321")
    # New values are encrypted under the new key: it alone decrypts them.
    assert Fernet(new_key.encode()).decrypt(new_token.encode()) == b"987654321"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(new_token.encode())

    # Once the old key is retired, its values no longer decrypt.
    settings.PIC_FIELD_ENCRYPTION_KEYS = [new_key]
    crypto._fernet.cache_clear()
    with pytest.raises(InvalidToken):
        crypto.decrypt(old_token)
    assert crypto.decrypt(new_token) == "987654321"


@pytest.mark.parametrize("typed", RAW_FORMS)
def test_identifier_hash_ignores_punctuation_and_spaces(typed: str) -> None:
    assert crypto.identifier_hash("ssn", typed) == crypto.identifier_hash("ssn", SSN)


def test_identifier_hash_ignores_case() -> None:
    assert crypto.identifier_hash("dl:MO", "a123-456") == crypto.identifier_hash("dl:MO", "A123456")


def test_identifier_hash_differs_by_kind_and_value() -> None:
    ssn = crypto.identifier_hash("ssn", "123456789")

    assert ssn != crypto.identifier_hash("dl:MO", "123456789")
    assert crypto.identifier_hash("dl:MO", "123456789") != crypto.identifier_hash(
        "dl:KS", "123456789"
    )
    assert ssn != crypto.identifier_hash("ssn", "123456780")
    assert len(ssn) == 64
    assert "123456789" not in ssn


def test_identifier_hash_is_keyed(settings) -> None:
    before = crypto.identifier_hash("ssn", SSN)
    settings.PIC_IDENTIFIER_HASH_KEY = "another-key"

    assert crypto.identifier_hash("ssn", SSN) != before


def test_mask() -> None:
    assert crypto.mask("123-45-6789") == "•••••6789"
    assert crypto.mask("") == ""


def _row_text(model: type, pk: int) -> str:
    """Every column of one row, as the database holds it."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return json.dumps([str(value) for value in cursor.fetchone()])


@pytest.mark.django_db
def test_the_person_keeps_only_ciphertext_last_four_and_hash(facility: Facility) -> None:
    application = submitted_application(facility=facility)
    person = Person.objects.get(pk=application.person_id)

    assert person.ssn_last4 == "6789"
    assert person.ssn_hash == crypto.identifier_hash("ssn", "123 45 6789")
    assert crypto.decrypt(person.ssn_encrypted) == "123456789"
    assert person.ssn_masked == "•••-••-6789"
    for raw in RAW_FORMS:
        assert raw not in _row_text(Person, person.pk)
        assert raw not in _row_text(Application, application.pk)
        assert raw not in json.dumps(application.answers)
    assert application.answers[S.IDENTITY]["ssn"] == "•••-••-6789"


@pytest.mark.django_db
def test_the_driver_licence_is_encrypted_too(facility: Facility) -> None:
    from tests.factories import fill_section

    application = draft_application(facility=facility, complete=False)
    identity = {**valid_answers("volunteer")[S.IDENTITY], "dl_number": "S123-4567-8901"}
    identity["dl_state"] = "mo"
    fill_section(application, S.IDENTITY, identity)
    person = Person.objects.get(pk=application.person_id)

    assert person.dl_last4 == "8901"
    assert person.dl_state == "MO"
    assert person.dl_hash == crypto.identifier_hash("dl:MO", "s12345678901")
    assert crypto.decrypt(person.dl_number_encrypted) == "S12345678901"
    assert "S123-4567-8901" not in _row_text(Person, person.pk)
    assert "S12345678901" not in _row_text(Person, person.pk)


@pytest.mark.django_db
def test_an_empty_ssn_keeps_the_number_on_file(facility: Facility) -> None:
    application = draft_application(facility=facility)
    person = Person.objects.get(pk=application.person_id)
    encrypted = person.ssn_encrypted
    from tests.factories import fill_section

    fill_section(application, S.IDENTITY, {**valid_answers("volunteer")[S.IDENTITY], "ssn": ""})
    person.refresh_from_db()

    assert person.ssn_encrypted == encrypted
    assert person.ssn_last4 == "6789"


@pytest.mark.django_db
def test_the_raw_ssn_appears_in_no_page(client: Client, facility: Facility) -> None:
    person = applicant()
    log_in(client, person)
    application = draft_application(facility=facility, person=person, complete=False)
    identity = valid_answers("volunteer")[S.IDENTITY]

    # Typed with another answer wrong: the page comes back with the errors, not the number.
    response = client.post(
        section_url(application, S.IDENTITY), {**identity, "phone": "12", "action": "continue"}
    )
    assert response.status_code == 200
    assert "Enter a valid phone number" in page(response)
    assert SSN not in page(response)
    application.refresh_from_db()
    assert SSN not in json.dumps(application.answers)
    assert "123456789" not in json.dumps(application.answers)
    # Left with "exit": kept half-typed, but never the number.
    client.post(section_url(application, S.IDENTITY), {**identity, "phone": "12", "action": "exit"})
    application.refresh_from_db()
    assert application.answers["_pending"][S.IDENTITY]["phone"] == ["12"]
    assert "ssn" not in application.answers["_pending"][S.IDENTITY]
    assert SSN not in page(client.get(section_url(application, S.IDENTITY)))

    # Saved: every page shows at most the last four digits.
    response = client.post(section_url(application, S.IDENTITY), {**identity, "action": "continue"})
    assert response.status_code == 302
    from tests.factories import fill_section

    for slug, data in valid_answers("volunteer").items():
        if slug != S.IDENTITY:
            fill_section(application, slug, data)
    pages = [
        section_url(application, S.IDENTITY),
        url("review", application),
        url("detail", application),
    ]
    for path in pages:
        text = page(client.get(path))
        for raw in RAW_FORMS:
            assert raw not in text, path
    assert "•••-••-6789" in page(client.get(url("review", application)))
    client.post(url("review", application))
    application.refresh_from_db()
    assert application.reference
    text = page(client.get(url("detail", application)))
    for raw in RAW_FORMS:
        assert raw not in text
    from applications.pdf import application_pdf
    from tests.applications.helpers import pdf_text

    text = pdf_text(application_pdf(application))
    assert "6789" in text
    for raw in RAW_FORMS:
        assert raw not in text
