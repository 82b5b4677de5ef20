"""The typed signature: the legal name of section 1, with or without the middle name or
initial and the suffix, case, spacing and punctuation aside; the error says exactly that."""

import pytest

from applications.forms import AcknowledgementsForm
from applications.models import Person

ERROR = (
    "Type your full legal name as in section 1: {name} — the middle name or initial and "
    "suffix may be left out."
)
AGREED = dict.fromkeys(("truthful", "background_check", "prea", "conduct", "confidentiality"), "on")

JORDAN = {"first_name": "Jordan", "middle_name": "Lee", "last_name": "Newcomer"}
JORDAN_JR = {**JORDAN, "suffix": "Jr."}
JORDAN_III = {**JORDAN, "suffix": "III"}
NO_MIDDLE = {"first_name": "Jordan", "middle_name": "", "last_name": "Newcomer"}
TWO_MIDDLES = {"first_name": "Mary", "middle_name": "Lee Ann", "last_name": "O'Neil-Smith"}
ACCENTED = {"first_name": "José", "middle_name": "Luis", "last_name": "Peña"}


def signed(person_fields: dict[str, str], typed: str) -> AcknowledgementsForm:
    person = Person(**person_fields)
    form = AcknowledgementsForm(data={**AGREED, "signature_name": typed}, person=person)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("person", "typed"),
    [
        (JORDAN, "Jordan Lee Newcomer"),
        (JORDAN, "Jordan Newcomer"),
        (JORDAN, "Jordan L. Newcomer"),
        (JORDAN, "Jordan L Newcomer"),
        (JORDAN, "jordan l. newcomer"),
        (JORDAN, "  JORDAN   LEE   NEWCOMER "),
        (JORDAN_JR, "Jordan Lee Newcomer Jr."),
        (JORDAN_JR, "Jordan Lee Newcomer, Jr."),
        (JORDAN_JR, "Jordan L. Newcomer Jr"),
        (JORDAN_JR, "Jordan Newcomer, jr."),
        (JORDAN_JR, "Jordan Newcomer"),
        (JORDAN_JR, "Jordan L. Newcomer"),
        (JORDAN_III, "Jordan Lee Newcomer III"),
        (JORDAN_III, "Jordan L Newcomer iii"),
        (NO_MIDDLE, "Jordan Newcomer"),
        (TWO_MIDDLES, "Mary Lee Ann O'Neil-Smith"),
        (TWO_MIDDLES, "Mary L. A. O'Neil-Smith"),
        (TWO_MIDDLES, "Mary L. O'Neil-Smith"),
        (TWO_MIDDLES, "Mary ONeil Smith"),
        (ACCENTED, "José Luis Peña"),
        (ACCENTED, "Jose L. Pena"),
    ],
)
def test_the_legal_name_is_accepted_in_each_allowed_form(
    person: dict[str, str], typed: str
) -> None:
    form = signed(person, typed)

    assert "signature_name" not in form.errors, form.errors
    assert form.cleaned_data["signature_name"] == " ".join(typed.split())


@pytest.mark.parametrize(
    ("person", "typed"),
    [
        (JORDAN, "Jordan X. Newcomer"),
        (JORDAN, "Jordan Leeroy Newcomer"),
        (JORDAN, "Jordan Lee"),
        (JORDAN, "Newcomer Jordan"),
        (JORDAN, "J. Newcomer"),
        (JORDAN, "Jordan Lee Newcomer Jr."),
        (JORDAN_JR, "Jordan Lee Newcomer Sr."),
        (JORDAN_III, "Jordan Lee Newcomer II"),
        (NO_MIDDLE, "Jordan L. Newcomer"),
        (TWO_MIDDLES, "Mary A. O'Neil-Smith"),
        (ACCENTED, "Someone Else"),
    ],
)
def test_any_other_name_is_refused_with_the_rule_in_the_message(
    person: dict[str, str], typed: str
) -> None:
    form = signed(person, typed)

    full_name = Person(**person).full_name
    assert form.errors["signature_name"] == [ERROR.format(name=full_name)]


def test_the_message_names_the_full_legal_name() -> None:
    form = signed(JORDAN_JR, "Jordan Rivera")

    assert form.errors["signature_name"] == [
        "Type your full legal name as in section 1: Jordan Lee Newcomer Jr. — the middle "
        "name or initial and suffix may be left out."
    ]
