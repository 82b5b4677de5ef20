"""Submitting: completeness and age re-checked, the reference number, once only, flags,
the frozen identity, and who is told."""

import re
from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from applications import age
from applications import sections as S
from applications.models import Application, ApplicationEvent, EventKind, Person, Status
from applications.services import Incomplete, TooYoung, submit_application
from facilities.models import Facility, Role
from tests.applications.helpers import entries, log_in, messages_of, page, url, years_before
from tests.dates import long_date
from tests.factories import (
    MembershipFactory,
    applicant,
    draft_application,
    fill_section,
    submitted_application,
    valid_answers,
)

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"^PIC-(\d{4})-(\d{6})$")


@pytest.fixture
def person(client: Client) -> Person:
    person = applicant()
    log_in(client, person)
    return person


# Completeness -------------------------------------------------------------------------


def test_an_incomplete_draft_is_refused_with_the_problems_of_each_section(
    facility: Facility,
) -> None:
    application = draft_application(facility=facility, complete=False)
    fill_section(application, S.IDENTITY, valid_answers("volunteer")[S.IDENTITY])

    with pytest.raises(Incomplete) as refused:
        submit_application(application=application, by=application.person.user)

    problems = refused.value.problems
    assert S.IDENTITY not in problems
    assert set(problems) == {
        S.PLACEMENT,
        S.ORGANISATION,
        S.CRIMINAL_HISTORY,
        S.RELATIONSHIPS,
        S.EMPLOYMENT,
        S.ACKNOWLEDGEMENTS,
    }
    assert problems[S.PLACEMENT] == ["Not answered yet."]
    assert problems[S.ACKNOWLEDGEMENTS] == ["Not signed yet."]
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.reference is None
    assert not application.events.exists()


def test_the_review_page_refuses_an_incomplete_draft_and_lists_the_problems(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person, complete=False)
    fill_section(application, S.IDENTITY, valid_answers("volunteer")[S.IDENTITY])
    fill_section(application, S.PLACEMENT, valid_answers("volunteer")[S.PLACEMENT])

    response = client.post(url("review", application))

    assert response.status_code == 200
    assert "Some answers are missing or need correcting: see below." in messages_of(response)
    text = page(response)
    assert 'href="#section-organisation"' in text
    assert 'href="#section-acknowledgements"' in text
    assert 'href="#section-placement"' not in text
    assert "Not signed yet." in text
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert mail.outbox == []


def test_completeness_is_checked_again_at_submission(facility: Facility) -> None:
    """Answers kept as valid once are re-checked: entries removed since, a missing letter."""
    application = draft_application(facility=facility)
    application = fill_section(
        application,
        S.CRIMINAL_HISTORY,
        {
            "has_record": "yes",
            "pending_charges": "no",
            "on_supervision": "no",
            **entries(
                [
                    {
                        "date": "2009-06-01",
                        "place": "Columbia, MO",
                        "offence": "Theft",
                        "disposition": "Fine",
                    }
                ]
            ),
        },
    )
    application.criminal_history_entries.all().delete()
    application.answers[S.PLACEMENT]["program_area"] = "astrology"
    application.save()

    with pytest.raises(Incomplete) as refused:
        submit_application(application=application, by=application.person.user)

    assert refused.value.problems[S.CRIMINAL_HISTORY] == ["List each arrest, charge or conviction."]
    assert "Program area" in refused.value.problems[S.PLACEMENT][0]


def test_an_intern_needs_the_school_letter(facility: Facility) -> None:
    application = draft_application(facility=facility, kind="student_intern")
    application.documents.all().delete()

    with pytest.raises(Incomplete) as refused:
        submit_application(application=application, by=application.person.user)

    assert refused.value.problems == {S.DOCUMENTS: ["Upload the school letter."]}


def test_half_typed_answers_block_submission(
    client: Client, person: Person, facility: Facility
) -> None:
    application = draft_application(facility=facility, person=person)
    client.post(url("section", application, S.PLACEMENT), {"availability": "", "action": "exit"})

    with pytest.raises(Incomplete) as refused:
        submit_application(application=application, by=person.user)

    assert refused.value.problems == {S.PLACEMENT: ["Some answers here need correcting."]}


# Age ----------------------------------------------------------------------------------


def test_under_18_on_the_submission_date_is_refused_with_the_date_and_the_draft_kept(
    client: Client, person: Person, facility: Facility
) -> None:
    today = age.today()
    born = years_before(today, 17)
    application = draft_application(facility=facility, person=person, born=born)
    eligible = date(born.year + 18, 1, 1)

    response = client.post(url("review", application))

    assert response.status_code == 200
    message = (
        f"You must be 18 to submit an application. You may submit this one from "
        f"{long_date(eligible)}; your draft is kept until then."
    )
    assert message in page(response)
    assert messages_of(response) == []  # one message, on the page, not a second banner
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert application.reference is None
    assert application.answers[S.PLACEMENT]  # nothing lost
    assert mail.outbox == []


def test_the_day_before_and_of_the_18th_birthday(facility: Facility) -> None:
    application = draft_application(facility=facility, born=date(2008, 5, 17))
    eve = datetime(2026, 5, 17, 4, 30, tzinfo=UTC)  # 23:30 on 16 May in Missouri

    with pytest.raises(TooYoung) as refused:
        submit_application(application=application, by=application.person.user, now=eve)
    assert refused.value.eligible_on == date(2026, 5, 17)
    assert "May 17, 2026" in str(refused.value)

    birthday = datetime(2026, 5, 17, 5, 0, tzinfo=UTC)  # midnight in Missouri
    submitted = submit_application(
        application=application, by=application.person.user, now=birthday
    )
    assert submitted.status == Status.SUBMITTED
    assert submitted.signed_on == date(2026, 5, 17)


def test_contact_under_19_is_accepted_with_the_date_contact_can_begin(
    client: Client, person: Person, facility: Facility, django_capture_on_commit_callbacks
) -> None:
    today = age.today()
    born = years_before(today, 18)
    application = draft_application(facility=facility, person=person, born=born)
    eligible = date(born.year + 19, 1, 1)

    review = page(client.get(url("review", application)))
    assert f"it can begin from {long_date(eligible)}. You may still submit now." in review

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("review", application))

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.access_level_requested == "contact"
    assert application.flag_contact_under_19
    detail = page(client.get(url("detail", application)))
    assert f"Contact can begin from {long_date(eligible)}, when you turn 19." in detail
    (confirmation,) = mail.outbox
    assert confirmation.to == ["jordan.rivera@example.org"]
    assert f"contact can begin from {long_date(eligible)}" in confirmation.body


def test_contact_at_19_has_no_notice(
    client: Client, person: Person, facility: Facility, django_capture_on_commit_callbacks
) -> None:
    application = draft_application(facility=facility, person=person)

    assert "You must be 19 for contact" not in page(client.get(url("review", application)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review", application))

    assert "when you turn 19" not in page(client.get(url("detail", application)))
    assert "You must be 19" not in mail.outbox[0].body


# The reference number ------------------------------------------------------------------


def test_the_reference_is_pic_year_and_six_digits_sequential_within_a_year(
    facility: Facility,
) -> None:
    first = submitted_application(facility=facility)
    second = submitted_application(facility=facility)
    third = submitted_application(facility=facility, kind="reentry_partner")

    year = str(age.today().year)
    numbers = []
    for application in (first, second, third):
        found = REFERENCE.match(application.reference or "")
        assert found, application.reference
        assert found.group(1) == year
        numbers.append(int(found.group(2)))
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_the_year_of_the_reference_is_the_year_in_missouri(facility: Facility) -> None:
    new_years_eve = datetime(2027, 1, 1, 5, 30, tzinfo=UTC)  # 23:30 on 31 December in Missouri
    new_year = datetime(2027, 1, 1, 6, 0, tzinfo=UTC)  # midnight in Missouri

    last = submit_application(
        application=draft_application(facility=facility), by=None, now=new_years_eve
    )
    later = submit_application(
        application=draft_application(facility=facility), by=None, now=new_years_eve
    )
    first = submit_application(
        application=draft_application(facility=facility), by=None, now=new_year
    )

    assert last.reference == "PIC-2026-000001"
    assert later.reference == "PIC-2026-000002"
    assert first.reference == "PIC-2027-000001"  # numbering starts again each year
    assert last.signed_on == date(2026, 12, 31)
    assert first.signed_on == date(2027, 1, 1)
    assert last.submitted_at == new_years_eve


# Once only ------------------------------------------------------------------------------


def test_a_double_submit_makes_one_event_one_reference_one_mail(
    facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    application = draft_application(facility=facility)

    with django_capture_on_commit_callbacks(execute=True):
        first = submit_application(application=application, by=application.person.user)
    with django_capture_on_commit_callbacks(execute=True):
        again = submit_application(application=application, by=application.person.user)

    assert again.reference == first.reference
    assert (
        ApplicationEvent.objects.filter(application=application, kind=EventKind.STATUS).count() == 1
    )
    assert Application.objects.exclude(reference=None).count() == 1
    assert [m.to for m in mail.outbox] == [["jordan.rivera@example.org"], [iac.email]]


def test_posting_the_review_twice_submits_once(
    client: Client,
    person: Person,
    facility: Facility,
    iac: User,
    django_capture_on_commit_callbacks,
) -> None:
    application = draft_application(facility=facility, person=person)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("review", application))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url("review", application))

    assert first.status_code == second.status_code == 302
    assert first.url == second.url == url("detail", application)
    application.refresh_from_db()
    assert application.events.filter(kind=EventKind.STATUS).count() == 1
    to_applicant = [m for m in mail.outbox if m.to == ["jordan.rivera@example.org"]]
    assert len(to_applicant) == 1
    assert to_applicant[0].subject == f"Application {application.reference} received"
    assert len(mail.outbox) == 2


def test_the_submission_is_an_event_the_applicant_sees(facility: Facility) -> None:
    application = submitted_application(facility=facility)

    (event,) = application.events.all()
    assert (event.kind, event.from_status, event.to_status) == ("status", "draft", "submitted")
    assert event.is_visible_to_applicant
    assert event.actor == application.person.user
    assert application.submitted_at is not None
    assert application.signed_on == age.today()


# Flags ----------------------------------------------------------------------------------


HISTORY_NO = valid_answers("volunteer")[S.CRIMINAL_HISTORY]
OFFENCE = {"date": "2009-06-01", "place": "Columbia, MO", "offence": "Theft", "disposition": "Fine"}


def _relationships(facility_pk: str | None) -> dict[str, str]:
    row = {"name": "Kevin Rivera", "relationship": "Brother"}
    if facility_pk is not None:
        row["facility"] = facility_pk
    return {"has_relationships": "yes", **entries([row])}


@pytest.mark.parametrize(
    ("history", "expected_history", "expected_pending"),
    [
        (HISTORY_NO, False, False),
        ({**HISTORY_NO, "has_record": "yes", **entries([OFFENCE])}, True, False),
        (
            {**HISTORY_NO, "pending_charges": "yes", "pending_details": "DWI, Cole County"},
            False,
            True,
        ),
        (
            {
                **HISTORY_NO,
                "on_supervision": "yes",
                "officer_name": "P. Officer",
                "officer_contact": "573-555-0100",
            },
            False,
            True,
        ),
    ],
)
def test_criminal_history_flags(
    facility: Facility, history: dict, expected_history: bool, expected_pending: bool
) -> None:
    application = draft_application(facility=facility)
    fill_section(application, S.CRIMINAL_HISTORY, history)

    submitted = submit_application(application=application, by=None)

    submitted.refresh_from_db()
    assert submitted.flag_criminal_history is expected_history
    assert submitted.flag_pending_or_supervision is expected_pending


@pytest.mark.parametrize(
    ("where", "conflict"), [("here", True), ("elsewhere", False), ("unknown", False)]
)
def test_a_relationship_at_the_requested_facility_is_a_conflict(
    facility: Facility, other_facility: Facility, where: str, conflict: bool
) -> None:
    application = draft_application(facility=facility)
    pk = {"here": str(facility.pk), "elsewhere": str(other_facility.pk), "unknown": None}[where]
    fill_section(application, S.RELATIONSHIPS, _relationships(pk))

    submitted = submit_application(application=application, by=None)

    submitted.refresh_from_db()
    assert submitted.flag_relationship_conflict is conflict
    assert not submitted.flag_criminal_history


@pytest.mark.parametrize(
    ("years", "level", "flagged"),
    [
        (18, "contact", True),
        (19, "contact", False),
        (18, "no_contact", False),
        (45, "contact", False),
    ],
)
def test_the_contact_under_19_flag(
    facility: Facility, years: int, level: str, flagged: bool
) -> None:
    application = draft_application(facility=facility, born=years_before(age.today(), years))
    fill_section(
        application,
        S.PLACEMENT,
        {**valid_answers("volunteer")[S.PLACEMENT], "access_level_requested": level},
    )

    submitted = submit_application(application=application, by=None)

    submitted.refresh_from_db()
    assert submitted.flag_contact_under_19 is flagged


# The frozen identity ---------------------------------------------------------------------


def test_the_identity_is_frozen_at_submission(facility: Facility) -> None:
    application = submitted_application(facility=facility)
    rows_before = S.display_rows(application, S.IDENTITY)
    person = Person.objects.get(pk=application.person_id)

    person.phone = "+13145550199"
    person.street_address = "1 New Road"
    person.save()
    application = Application.objects.get(pk=application.pk)

    assert application.answers[S.IDENTITY]["phone"] == "+15735550123"
    assert application.answers[S.IDENTITY]["street_address"] == "100 High Street"
    assert S.display_rows(application, S.IDENTITY) == rows_before
    assert ("Phone", "(573) 555-0123") in rows_before
    assert "(314) 555-0199" not in str(S.display_rows(application, S.IDENTITY))


def test_the_frozen_identity_is_what_the_applicant_sees_afterwards(
    client: Client, person: Person, facility: Facility
) -> None:
    application = submitted_application(facility=facility, person=person)
    person.refresh_from_db()
    person.city = "Kansas City"
    person.save()

    from applications.pdf import application_pdf
    from tests.applications.helpers import pdf_text

    text = pdf_text(application_pdf(Application.objects.get(pk=application.pk)))
    assert "Jefferson City" in text
    assert "Kansas City" not in text


# Who is told --------------------------------------------------------------------------


def test_the_facilitys_coordinators_are_told_and_no_one_else(
    facility: Facility, other_facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    chaplain = MembershipFactory.create(facility=facility, role=Role.CHAPLAIN).user
    elsewhere = MembershipFactory.create(facility=other_facility, role=Role.IAC).user
    gone = MembershipFactory.create(facility=facility, role=Role.IAC).user
    gone.is_active = False
    gone.save()
    application = draft_application(facility=facility)

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, by=application.person.user)

    application.refresh_from_db()
    new = [m for m in mail.outbox if m.subject.startswith("New application")]
    assert len(new) == 1
    assert sorted(new[0].to) == sorted([iac.email, chaplain.email])
    assert elsewhere.email not in new[0].to
    assert gone.email not in new[0].to
    assert new[0].subject == f"New application {application.reference} at Algoa Correctional Center"
    assert application.reference in new[0].body
    # The coordinators' mail carries no answers.
    assert "Jordan" not in new[0].body
    assert "6789" not in new[0].body


def test_no_coordinator_no_coordinator_mail(
    facility: Facility, django_capture_on_commit_callbacks
) -> None:
    application = draft_application(facility=facility)

    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, by=application.person.user)

    assert [m.to for m in mail.outbox] == [["jordan.rivera@example.org"]]


def test_the_confirmation_says_what_comes_next(
    facility: Facility, django_capture_on_commit_callbacks
) -> None:
    application = draft_application(facility=facility)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit_application(application=application, by=application.person.user)

    (message,) = mail.outbox
    assert submitted.reference in message.body
    assert "Algoa Correctional Center" in message.body
    assert f"/account/applications/{submitted.public_id}/" in message.body
    assert "Hello Jordan" in message.body
