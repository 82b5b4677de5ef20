"""Drafts through the wizard's pages: every button saves, nothing typed is lost, entries
without JavaScript, and the facility and kind fixed once chosen."""

import re

import pytest
from django.test import Client

from applications import forms as app_forms
from applications import sections as S
from applications.models import Application, Kind, Person
from facilities.models import Facility
from tests.applications.helpers import entries, log_in, messages_of, page, section_url, url
from tests.factories import applicant, draft_application, valid_answers

pytestmark = pytest.mark.django_db

FORM_SLUGS = [slug for slug in S.SLUGS if slug != S.DOCUMENTS]
KEPT = "Your answers were kept; some still need correcting."
YES_WITHOUT = "You answered yes: add at least one entry below."
NO_WITH = "You answered no: remove the entries below, or answer yes."

OFFENCE = {
    "date": "2009-06-01",
    "place": "Boone County, MO",
    "offence": "Minor in possession",
    "disposition": "Fine paid",
}
RELATIVE = {"name": "Kevin Rivera", "doc_number": "1234567", "relationship": "Brother"}


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


@pytest.fixture
def draft(person: Person, facility: Facility) -> Application:
    return draft_application(facility=facility, person=person, complete=False)


def post(client: Client, application: Application, slug: str, data: dict, action: str = "continue"):
    return client.post(section_url(application, slug), {**data, "action": action})


@pytest.mark.parametrize("kind", [Kind.VOLUNTEER, Kind.REENTRY_PARTNER, Kind.STUDENT_INTERN])
def test_each_step_saves_and_leads_to_the_next(
    client: Client, person: Person, facility: Facility, kind: str
) -> None:
    application = draft_application(facility=facility, person=person, kind=kind, complete=False)
    answers = valid_answers(kind)
    following = {slug: S.neighbours(kind, slug)[1] for slug in S.SLUGS}

    for slug in FORM_SLUGS:
        assert client.get(section_url(application, slug)).status_code == 200
        response = post(client, application, slug, answers[slug])
        assert response.status_code == 302, page(response)[:2000]
        expected = (
            section_url(application, following[slug])
            if following[slug]
            else url("review", application)
        )
        assert response.url == expected
        application.refresh_from_db()
        assert application.last_section == slug

    person.refresh_from_db()
    assert person.first_name == "Jordan"
    assert str(person.phone) == "+15735550123"
    assert person.state == "MO"
    assert application.access_level_requested == "contact"
    assert application.program_area == "education"
    assert application.answers[S.PLACEMENT]["activities"] == "Tutor GED students in mathematics."
    assert application.answers[S.CRIMINAL_HISTORY]["has_record"] == "no"
    assert application.signature_name == "Jordan Rivera"
    organisation = answers[S.ORGANISATION]
    first_field = next(iter(organisation))
    assert application.answers[S.ORGANISATION][first_field] == organisation[first_field]
    assert "_pending" not in application.answers or not application.answers["_pending"]


def test_back_with_valid_answers_saves_and_goes_back(client: Client, draft: Application) -> None:
    response = post(client, draft, S.PLACEMENT, valid_answers("volunteer")[S.PLACEMENT], "back")

    assert response.url == section_url(draft, S.IDENTITY)
    draft.refresh_from_db()
    assert draft.answers[S.PLACEMENT]["availability"] == "Tuesday evenings"


def test_exit_with_valid_answers_saves_and_goes_to_the_application(
    client: Client, draft: Application
) -> None:
    response = post(client, draft, S.PLACEMENT, valid_answers("volunteer")[S.PLACEMENT], "exit")

    assert response.url == url("detail", draft)
    draft.refresh_from_db()
    assert draft.answers[S.PLACEMENT]["availability"] == "Tuesday evenings"


def test_exit_keeps_invalid_answers_with_their_errors(client: Client, draft: Application) -> None:
    half_typed = {
        **valid_answers("volunteer")[S.IDENTITY],
        "first_name": "Jordana",
        "date_of_birth": "2023-02-30",
        "phone": "555",
        "zip": "",
    }

    response = post(client, draft, S.IDENTITY, half_typed, "exit")

    assert response.status_code == 302
    assert response.url == url("detail", draft)
    draft.refresh_from_db()
    pending = draft.answers["_pending"][S.IDENTITY]
    assert pending["first_name"] == ["Jordana"]
    assert pending["date_of_birth"] == ["2023-02-30"]
    assert "ssn" not in pending
    assert Person.objects.get(pk=draft.person_id).first_name == ""  # nothing invalid saved

    later = client.get(section_url(draft, S.IDENTITY))
    text = page(later)
    assert KEPT in messages_of(later)
    assert 'value="Jordana"' in text
    assert 'value="2023-02-30"' in text
    assert 'value="555"' in text
    assert "Enter a valid date." in text
    assert "Enter a valid phone number" in text
    assert "This field is required." in text
    assert "123-45-6789" not in text

    # The review page says the section needs correcting.
    review = page(client.get(url("review", draft)))
    assert "Some answers here need correcting." in review


def test_back_keeps_invalid_answers_with_their_errors(client: Client, draft: Application) -> None:
    half_typed = {
        "sponsoring_organisation": "Grace Chapel",
        "reference_phone": "555",
        "reference_email": "not-an-address",
    }

    response = post(client, draft, S.ORGANISATION, half_typed, "back")

    assert response.status_code == 302
    assert response.url == section_url(draft, S.PLACEMENT)
    draft.refresh_from_db()
    assert S.ORGANISATION not in draft.answers
    assert draft.answers["_pending"][S.ORGANISATION]["sponsoring_organisation"] == ["Grace Chapel"]
    later = client.get(section_url(draft, S.ORGANISATION))
    text = page(later)
    assert 'value="Grace Chapel"' in text
    assert 'value="555"' in text
    assert 'value="not-an-address"' in text
    assert "Enter a valid phone number" in text
    assert "Enter a valid email address." in text


def test_the_warning_says_the_answers_were_kept(client: Client, draft: Application) -> None:
    response = client.post(
        section_url(draft, S.PLACEMENT), {"activities": "Tutoring", "action": "exit"}, follow=True
    )

    assert KEPT in messages_of(response)


def test_continue_with_invalid_answers_shows_them_again_and_keeps_them(
    client: Client, draft: Application
) -> None:
    data = {**valid_answers("volunteer")[S.PLACEMENT], "availability": ""}

    response = post(client, draft, S.PLACEMENT, data)

    assert response.status_code == 200
    assert "Tutor GED students in mathematics." in page(response)
    assert "error-summary" in page(response)
    draft.refresh_from_db()
    assert draft.answers["_pending"][S.PLACEMENT]["activities"] == [
        "Tutor GED students in mathematics."
    ]
    assert S.PLACEMENT not in {k for k in draft.answers if k != "_pending"}


def test_a_valid_save_clears_what_was_kept_half_typed(client: Client, draft: Application) -> None:
    post(client, draft, S.PLACEMENT, {"activities": "Tutoring"}, "exit")

    post(client, draft, S.PLACEMENT, valid_answers("volunteer")[S.PLACEMENT])

    draft.refresh_from_db()
    assert not draft.answers["_pending"].get(S.PLACEMENT)
    text = page(client.get(section_url(draft, S.PLACEMENT)))
    assert "error-summary" not in text
    assert "Tutor GED students in mathematics." in text


def test_returning_later_resumes_where_the_applicant_left(
    client: Client, draft: Application
) -> None:
    answers = valid_answers("volunteer")
    post(client, draft, S.IDENTITY, answers[S.IDENTITY])
    post(client, draft, S.PLACEMENT, answers[S.PLACEMENT])
    post(client, draft, S.ORGANISATION, answers[S.ORGANISATION], "exit")

    other = Client()
    log_in(other, draft.person)
    home = page(other.get("/account/"))
    detail = page(other.get(url("detail", draft)))

    resume = section_url(draft, S.ORGANISATION)
    assert re.search(rf'href="{re.escape(resume)}"[^>]*>Continue<', home)
    assert f'href="{resume}"' in detail
    text = page(other.get(resume))
    assert 'value="First Baptist Church"' in text


def test_a_fresh_draft_resumes_at_the_first_section(client: Client, draft: Application) -> None:
    assert f'href="{section_url(draft, S.IDENTITY)}"' in page(client.get("/account/"))


def _history(has_record: str, rows: list[dict], initial: int = 0, **extra: str) -> dict:
    return {
        "has_record": has_record,
        "pending_charges": "no",
        "on_supervision": "no",
        **entries(rows, initial=initial),
        **extra,
    }


def test_entries_are_added_and_removed_without_javascript(
    client: Client, draft: Application
) -> None:
    # "Save and add another entry": the entry is kept and the page comes back with a blank one.
    response = post(client, draft, S.CRIMINAL_HISTORY, _history("yes", [OFFENCE]), "add")
    assert response.url == section_url(draft, S.CRIMINAL_HISTORY)
    assert draft.criminal_history_entries.count() == 1
    text = page(client.get(response.url))
    assert 'name="entries-TOTAL_FORMS" value="2"' in text
    assert 'name="entries-INITIAL_FORMS" value="1"' in text
    assert 'value="Minor in possession"' in text
    assert 'name="entries-1-offence"' in text
    assert re.search(r'name="entries-1-offence"[^>]*>', text).group(0).find("value=") == -1

    # The second entry typed into the blank row.
    second = {**OFFENCE, "date": "2012-03-04", "offence": "Trespass", "disposition": "Dismissed"}
    rows = [OFFENCE, second, {}]
    response = post(client, draft, S.CRIMINAL_HISTORY, _history("yes", rows, initial=2), "add")
    assert response.status_code == 302
    assert sorted(draft.criminal_history_entries.values_list("offence", flat=True)) == [
        "Minor in possession",
        "Trespass",
    ]

    # "Remove" ticked on the first: only the second stays.
    rows = [{**OFFENCE, "DELETE": "on"}, second, {}]
    response = post(client, draft, S.CRIMINAL_HISTORY, _history("yes", rows, initial=2))
    assert response.status_code == 302
    assert list(draft.criminal_history_entries.values_list("offence", flat=True)) == ["Trespass"]


def test_a_blank_extra_row_is_not_an_entry(client: Client, draft: Application) -> None:
    response = post(client, draft, S.CRIMINAL_HISTORY, _history("no", [{}, {}]))

    assert response.status_code == 302
    assert draft.criminal_history_entries.count() == 0


def test_a_relationship_entry_names_a_facility_or_unknown(
    client: Client, draft: Application, other_facility: Facility
) -> None:
    rows = [{**RELATIVE, "facility": str(other_facility.pk)}, {**RELATIVE, "name": "Ann Doe"}]

    response = post(client, draft, S.RELATIONSHIPS, {"has_relationships": "yes", **entries(rows)})

    assert response.status_code == 302
    saved = {r.name: r.facility for r in draft.relationships.all()}
    assert saved == {"Kevin Rivera": other_facility, "Ann Doe": None}
    text = page(client.get(section_url(draft, S.RELATIONSHIPS)))
    assert "Unknown" in text
    assert "Boonville Correctional Center" in text


@pytest.mark.parametrize(
    ("slug", "data", "message"),
    [
        (S.CRIMINAL_HISTORY, _history("yes", []), YES_WITHOUT),
        (S.CRIMINAL_HISTORY, _history("yes", [{}]), YES_WITHOUT),
        (S.CRIMINAL_HISTORY, _history("no", [OFFENCE]), NO_WITH),
        (S.RELATIONSHIPS, {"has_relationships": "yes", **entries([])}, YES_WITHOUT),
        (S.RELATIONSHIPS, {"has_relationships": "no", **entries([RELATIVE])}, NO_WITH),
    ],
)
def test_yes_without_entries_and_no_with_entries_are_refused(
    client: Client, draft: Application, slug: str, data: dict, message: str
) -> None:
    response = post(client, draft, slug, data)

    assert response.status_code == 200
    assert message in page(response)
    assert draft.criminal_history_entries.count() == 0
    assert draft.relationships.count() == 0
    draft.refresh_from_db()
    assert slug not in {k for k in draft.answers if k != "_pending"}


@pytest.mark.parametrize(
    ("slug", "data", "message", "typed"),
    [
        (S.CRIMINAL_HISTORY, _history("yes", []), YES_WITHOUT, 'value="yes"'),
        (
            S.RELATIONSHIPS,
            {"has_relationships": "no", **entries([RELATIVE])},
            NO_WITH,
            "Kevin Rivera",
        ),
    ],
)
def test_the_yes_no_refusal_comes_back_after_exit(
    client: Client, draft: Application, slug: str, data: dict, message: str, typed: str
) -> None:
    post(client, draft, slug, data, "exit")

    text = page(client.get(section_url(draft, slug)))

    assert message in text
    assert typed in text


def test_the_follow_up_questions_are_needed_after_a_yes(client: Client, draft: Application) -> None:
    data = _history("no", [], pending_charges="yes", on_supervision="yes")

    response = post(client, draft, S.CRIMINAL_HISTORY, data)

    assert response.status_code == 200
    assert page(response).count("Answer this, since you answered yes above.") >= 3


def test_no_section_form_has_a_field_for_the_facility_or_the_kind() -> None:
    for kind in Kind.values:
        for section in S.sections_for(kind):
            form_class = section.form_class(kind)
            if form_class is None:
                continue
            assert {"facility", "kind", "status", "person"}.isdisjoint(form_class.base_fields)
    # The relationship entry's facility is where the relative is, not the application's.
    assert "facility" in app_forms.RelationshipEntryForm.base_fields


def test_facility_and_kind_cannot_be_changed_through_any_step(
    client: Client, draft: Application, other_facility: Facility
) -> None:
    tampering = {
        "facility": other_facility.code,
        "facility_id": str(other_facility.pk),
        "kind": Kind.STUDENT_INTERN,
        "status": "submitted",
        "reference": "PIC-2020-000001",
    }
    for slug, data in valid_answers("volunteer").items():
        response = post(client, draft, slug, {**data, **tampering})
        assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.facility.code == "ACC"
    assert draft.kind == Kind.VOLUNTEER
    assert draft.status == "draft"
    assert draft.reference is None
    placement = page(client.get(section_url(draft, S.PLACEMENT)))
    assert "Algoa Correctional Center" in placement
    assert 'name="facility"' not in placement
    assert 'name="kind"' not in placement


def test_the_start_page_chooses_facility_and_kind_first(
    client: Client, person: Person, facility: Facility
) -> None:
    form = page(client.get("/account/apply/?facility=ACC&kind=student_intern"))
    assert re.search(r'<option value="ACC"[^>]*selected', form)
    assert re.search(r'value="student_intern"[^>]*checked', form)

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "student_intern"})

    application = Application.objects.get()
    assert response.url == section_url(application, S.IDENTITY)
    assert (application.facility, application.kind, application.status) == (
        facility,
        Kind.STUDENT_INTERN,
        "draft",
    )
    assert application.person == person
    assert application.reference is None


def test_a_closed_facility_takes_no_application(
    client: Client, person: Person, facility: Facility
) -> None:
    facility.status = "closed"
    facility.save()

    response = client.post("/account/apply/", {"facility": "ACC", "kind": "volunteer"})

    assert response.status_code == 200
    assert "error-summary" in page(response)
    assert not Application.objects.exists()


def test_a_section_of_a_submitted_application_cannot_be_changed(
    client: Client, person: Person, facility: Facility
) -> None:
    from tests.factories import submitted_application

    application = submitted_application(facility=facility, person=person)

    for slug in S.SLUGS:
        response = client.post(section_url(application, slug), {"first_name": "X"}, follow=True)
        assert response.redirect_chain[0][0] == url("detail", application)
        assert "This part of the application cannot be changed now." in messages_of(response)
    person.refresh_from_db()
    assert person.first_name == "Jordan"
