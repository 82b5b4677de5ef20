"""Section 1's identifiers (SSN, driver license number): kept across an error round-trip,
encrypted in the draft and never put back into the page; "On file, ending …" with a way to
replace or remove the number."""

import json

import pytest
from django.test import Client

from applications import crypto
from applications import sections as S
from applications.models import Application, Person
from applications.services import HELD_IDENTIFIERS, PENDING
from facilities.models import Facility
from tests.applications.helpers import log_in, page, section_url
from tests.factories import applicant, draft_application, valid_answers

pytestmark = pytest.mark.django_db

SSN = "987-65-4321"
DL = "M12345678"


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def draft(person: Person, facility: Facility) -> Application:
    return draft_application(facility=facility, person=person, complete=False)


def post_identity(client: Client, draft: Application, action: str = "continue", **changes: str):
    data = {**valid_answers("volunteer")[S.IDENTITY], "ssn": "", **changes, "action": action}
    return client.post(section_url(draft, S.IDENTITY), data)


def assert_not_in_page(text: str) -> None:
    for secret in (SSN, SSN.replace("-", ""), DL, "98765"):
        assert secret not in text


def stored_answers(draft: Application) -> str:
    """The draft's answers as the database holds them."""
    row = Application.objects.filter(pk=draft.pk).values_list("answers", flat=True).get()
    return json.dumps(row)


@pytest.mark.parametrize("action", ["continue", "exit"])
def test_identifiers_typed_beside_an_error_are_kept_encrypted_and_not_echoed(
    client: Client, draft: Application, person: Person, action: str
) -> None:
    response = post_identity(
        client, draft, action, ssn=SSN, dl_number=DL, dl_state="MO", date_of_birth="2090-01-01"
    )
    text = page(client.get(section_url(draft, S.IDENTITY))) if action == "exit" else page(response)

    assert "A date of birth cannot be in the future." in text
    assert_not_in_page(text)
    assert "ending 4321" in text
    assert "ending 5678" in text
    draft.refresh_from_db()
    at_rest = stored_answers(draft)
    assert "4321" not in at_rest
    assert "12345678" not in at_rest
    held = draft.answers[PENDING][HELD_IDENTIFIERS]
    assert crypto.decrypt(held["ssn"]) == SSN
    assert crypto.decrypt(held["dl_number"]) == DL
    person.refresh_from_db()
    assert person.ssn_encrypted == ""  # nothing is saved on the person before it is valid

    # The error corrected, the identifier boxes left empty (the page never showed them):
    # the numbers typed before are the ones saved.
    response = post_identity(client, draft, dl_state="MO")
    assert response.status_code == 302
    person.refresh_from_db()
    assert crypto.decrypt(person.ssn_encrypted) == "987654321"
    assert crypto.decrypt(person.dl_number_encrypted) == DL
    assert person.ssn_last4 == "4321"
    draft.refresh_from_db()
    assert HELD_IDENTIFIERS not in draft.answers.get(PENDING, {})


def test_an_invalid_identifier_is_not_held(client: Client, draft: Application) -> None:
    response = post_identity(client, draft, ssn="12-34", date_of_birth="2090-01-01")

    assert "Enter the nine digits of the number" in page(response)
    draft.refresh_from_db()
    assert HELD_IDENTIFIERS not in draft.answers[PENDING]


def test_the_number_on_file_shows_its_ending_with_replace_and_remove(
    client: Client, draft: Application, person: Person
) -> None:
    assert post_identity(client, draft, ssn=SSN).status_code == 302

    text = page(client.get(section_url(draft, S.IDENTITY)))

    assert "On file, ending 4321. Type a new number to replace it." in text
    assert 'name="ssn_remove"' in text
    assert 'name="dl_number_remove"' not in text  # no license number on file
    assert_not_in_page(text)


def test_a_new_number_replaces_the_one_on_file(
    client: Client, draft: Application, person: Person
) -> None:
    post_identity(client, draft, ssn=SSN)

    assert post_identity(client, draft, ssn="111-22-3333").status_code == 302

    person.refresh_from_db()
    assert person.ssn_last4 == "3333"
    assert crypto.decrypt(person.ssn_encrypted) == "111223333"
    assert person.ssn_hash == crypto.identifier_hash("ssn", "111223333")


def test_an_empty_box_keeps_the_number_on_file(
    client: Client, draft: Application, person: Person
) -> None:
    post_identity(client, draft, ssn=SSN)

    assert post_identity(client, draft).status_code == 302

    person.refresh_from_db()
    assert person.ssn_last4 == "4321"


def test_the_remove_box_clears_the_number_on_file(
    client: Client, draft: Application, person: Person
) -> None:
    post_identity(client, draft, ssn=SSN, dl_number=DL, dl_state="MO")

    response = post_identity(client, draft, ssn_remove="on", dl_number_remove="on")

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.ssn_encrypted, person.ssn_last4, person.ssn_hash) == ("", "", "")
    assert (person.dl_number_encrypted, person.dl_last4, person.dl_hash) == ("", "", "")
    text = page(client.get(section_url(draft, S.IDENTITY)))
    assert "On file, ending" not in text
    assert 'name="ssn_remove"' not in text


def test_remove_also_forgets_a_number_held_from_an_error(
    client: Client, draft: Application, person: Person
) -> None:
    post_identity(client, draft, ssn=SSN, date_of_birth="2090-01-01")

    assert post_identity(client, draft, ssn_remove="on").status_code == 302

    person.refresh_from_db()
    assert person.ssn_encrypted == ""


def test_typing_a_number_and_ticking_remove_is_refused(
    client: Client, draft: Application, person: Person
) -> None:
    post_identity(client, draft, ssn=SSN)

    response = post_identity(client, draft, ssn="111-22-3333", ssn_remove="on")

    assert response.status_code == 200
    assert "Either type a new number or tick “Remove this number”, not both." in page(response)
    person.refresh_from_db()
    assert person.ssn_last4 == "4321"
