"""The application's side navigation says in words which sections are complete, which need
attention and which are not started; every link in its list sits in a list item."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from applications import sections as S
from applications.models import Kind, Person
from applications.services import section_states
from facilities.models import Facility
from tests.applications.helpers import log_in, page, section_url
from tests.factories import applicant, draft_application, fill_section, school_letter, valid_answers

pytestmark = pytest.mark.django_db

WORDS = {
    "complete": "Complete",
    "needs_attention": "Needs attention",
    "not_started": "Not started",
    "optional": "Optional",
}


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


class NavItems(HTMLParser):
    """The side navigation's list: each child of the <ol> and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.in_nav = self.in_ol = False
        self.depth = 0
        self.children: list[str] = []  # the tag of each direct child of the <ol>
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav" and ("class", "section-nav mb-4") in attrs:
            self.in_nav = True
        elif self.in_nav and tag == "ol":
            self.in_ol = True
        elif self.in_ol:
            if self.depth == 0:
                self.children.append(tag)
                self.texts.append("")
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.in_ol and tag == "ol":
            self.in_ol = self.in_nav = False
        elif self.in_ol:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_ol and self.texts:
            self.texts[-1] += data


def nav_of(text: str) -> NavItems:
    parser = NavItems()
    parser.feed(text)
    return parser


def states_shown(text: str) -> dict[str, str]:
    """Section title → the state word the navigation shows for it."""
    shown = {}
    for item in nav_of(text).texts:
        words = " ".join(item.split())
        for word in WORDS.values():
            if words.endswith(word):
                shown[words[: -len(word)].strip()] = word
    return shown


def test_every_child_of_the_list_is_a_list_item(client: Client, person: Person, facility: Facility):
    application = draft_application(facility=facility, person=person, complete=False)

    for slug in (S.IDENTITY, S.DOCUMENTS):
        parser = nav_of(page(client.get(section_url(application, slug))))
        assert len(parser.children) == len(S.SLUGS)
        assert set(parser.children) == {"li"}


def test_a_fresh_draft_shows_every_section_not_started(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person, complete=False)

    shown = states_shown(page(client.get(section_url(application, S.IDENTITY))))

    titles = [str(s.title) for s in S.sections_for(application.kind)]
    assert list(shown) == titles
    assert shown.pop("Supporting documents") == "Optional"  # a volunteer needs none
    assert set(shown.values()) == {"Not started"}


def test_complete_needs_attention_and_not_started_side_by_side(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person, complete=False)
    answers = valid_answers("volunteer")
    fill_section(application, S.IDENTITY, answers[S.IDENTITY])
    # Placement left half-typed with an error.
    client.post(
        section_url(application, S.PLACEMENT),
        {**answers[S.PLACEMENT], "activities": "", "action": "exit"},
    )

    text = page(client.get(section_url(application, S.ORGANISATION)))
    shown = states_shown(text)

    assert shown["Applicant information"] == "Complete"
    assert shown["Facility and service"] == "Needs attention"
    assert shown["Criminal history"] == "Not started"
    assert shown["Acknowledgments and signature"] == "Not started"
    # The words are text of the page, not only a colour: and the colour class agrees.
    assert re.search(r'class="list-group-item section-needs_attention', text)


def test_the_state_follows_the_answers(facility: Facility) -> None:
    application = draft_application(facility=facility, kind=Kind.STUDENT_INTERN, complete=False)
    for slug, data in valid_answers(Kind.STUDENT_INTERN).items():
        application = fill_section(application, slug, data)
    states = section_states(application)
    assert states[S.DOCUMENTS] == "not_started"  # the school letter is required
    assert {v for k, v in states.items() if k != S.DOCUMENTS} == {"complete"}

    school_letter(application)
    assert section_states(application)[S.DOCUMENTS] == "complete"


def test_a_signature_that_no_longer_matches_needs_attention(facility: Facility) -> None:
    application = draft_application(facility=facility)
    answers = valid_answers("volunteer", first="Robin")
    application = fill_section(application, S.IDENTITY, answers[S.IDENTITY])  # renamed

    assert section_states(application)[S.ACKNOWLEDGEMENTS] == "needs_attention"


def test_check_and_submit_is_outside_the_numbered_list(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person, complete=False)

    text = page(client.get(section_url(application, S.IDENTITY)))

    assert "Check and submit" not in " ".join(nav_of(text).texts)
    assert "Check and submit" in text
