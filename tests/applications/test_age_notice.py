"""Each age case gets exactly one age message on the applicant's pages, consistent with
DESIGN rule 1: under 18 on the submission date, the date from which they may submit (the
draft kept, no "you may still submit"); 18 asking for contact, the date contact can begin."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import formats

from applications import age
from applications import sections as S
from applications.models import Application, Person, Status
from facilities.models import Facility
from tests.applications.helpers import log_in, messages_of, page, section_url, url
from tests.factories import applicant, draft_application

pytestmark = pytest.mark.django_db


def on(day: date) -> str:
    return formats.date_format(day, "F j, Y")


def born_years_ago(years: int, days_to_birthday: int = 0) -> date:
    """Someone `years` old today whose next birthday is in `days_to_birthday` days (0: it is
    today)."""
    today = age.today()
    birthday = today + timedelta(days=days_to_birthday)
    back = years + (1 if days_to_birthday else 0)
    try:
        born = birthday.replace(year=birthday.year - back)
    except ValueError:  # 29 February
        born = date(birthday.year - back, 2, 28)
    assert age.age_on(born, today) == years
    return born


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


def draft(person: Person, facility: Facility, born: date, level: str) -> Application:
    application = draft_application(facility=facility, person=person, born=born)
    application.access_level_requested = level
    application.save()
    return application


def age_messages(text: str) -> list[str]:
    """The text of every age message on a page (alerts that speak of 18, 19 or contact)."""
    alerts = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', text, re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", "", a).split())
        for a in alerts
        if re.search(r"\b1[89]\b|offender contact", a)
    ]


CASES = ["17, no contact", "17, contact", "18, contact", "18, no contact", "19, contact"]


def case(name: str) -> tuple[int, str]:
    years, level = name.split(", ")
    return int(years), "contact" if level == "contact" else "no_contact"


@pytest.mark.parametrize("name", CASES)
def test_the_review_page_shows_one_consistent_age_message(
    client: Client, person: Person, facility: Facility, name: str
) -> None:
    years, level = case(name)
    born = born_years_ago(years, days_to_birthday=40)
    application = draft(person, facility, born, level)
    turns_18, turns_19 = age.date_reaching(born, 18), age.date_reaching(born, 19)

    for response in (
        client.get(url("review", application)),
        client.post(url("review", application)),
    ):
        text = page(response)
        found = age_messages(text)
        assert messages_of(response) == [] or response.status_code == 302
        if response.status_code == 302:  # submitted: only possible from 18 on
            assert years >= 18
            continue
        if years < 18:
            expected = (
                f"You must be 18 to submit an application. You may submit this one from "
                f"{on(turns_18)}; your draft is kept until then."
            )
            if level == "contact":
                expected += f" Offender contact can begin from {on(turns_19)}, when you turn 19."
            assert found == [expected]
            assert "You may still submit now" not in text
            assert "Submit application" not in text  # nothing to press that must fail
            application.refresh_from_db()
            assert application.status == Status.DRAFT
        elif years == 18 and level == "contact":
            assert found == [
                f"You asked for offender contact. You must be 19 for contact: it can begin "
                f"from {on(turns_19)}. You may still submit now."
            ]
            assert "Submit application" in text
        else:
            assert found == []
            assert "Submit application" in text


@pytest.mark.parametrize("name", CASES)
def test_the_placement_section_shows_the_same_single_message(
    client: Client, person: Person, facility: Facility, name: str
) -> None:
    years, level = case(name)
    born = born_years_ago(years, days_to_birthday=40)
    application = draft(person, facility, born, level)

    found = age_messages(page(client.get(section_url(application, S.PLACEMENT))))

    if years < 18:
        assert len(found) == 1
        assert found[0].startswith("You must be 18 to submit an application.")
        assert "you may still apply now" not in found[0]
    elif years == 18 and level == "contact":
        assert len(found) == 1
        assert "Screening takes several weeks, so you may still apply now." in found[0]
    else:
        assert found == []


def test_the_18th_birthday_itself_may_submit(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft(person, facility, born_years_ago(18), "no_contact")

    assert age_messages(page(client.get(url("review", application)))) == []
    assert client.post(url("review", application)).status_code == 302


def test_the_draft_page_of_someone_under_18_says_when_they_may_submit(
    client: Client, person: Person, facility: Facility
) -> None:
    born = born_years_ago(17, days_to_birthday=10)
    application = draft(person, facility, born, "contact")

    found = age_messages(page(client.get(url("detail", application))))

    assert len(found) == 1
    assert on(age.date_reaching(born, 18)) in found[0]
