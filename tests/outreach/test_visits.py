"""Program visits (DESIGN rule 7): the request form, its honeypot and rate limits, the
coordinator's scheduling against the allowance, and the start of an application."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import Application, Person
from facilities.models import Facility, ProgramSettings, Role
from outreach import visits
from outreach.models import ProgramVisit, VisitRequest, VisitRequestStatus, VisitStatus
from tests.conftest import member
from tests.factories import applicant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def form_data(**overrides: Any) -> dict[str, Any]:
    today = age.today()
    data = {
        "first_name": "Vera",
        "last_name": "Visitor",
        "email": "vera@example.org",
        "phone": "(573) 555-0142",
        "programs": ["education", "religious"],
        "preferred_date_1": (today + timedelta(days=3)).isoformat(),
        "preferred_date_2": (today + timedelta(days=10)).isoformat(),
        "preferred_date_3": "",
        "message": "",
        "website": "",
    }
    return {**data, **overrides}


def post_request(client: Client, facility: Facility, **overrides: Any) -> Any:
    return client.post(reverse("visits:request", args=[facility.code]), form_data(**overrides))


def test_the_facility_page_shows_the_form_hiding_the_honeypot_by_class(
    client: Client, facility: Facility
) -> None:
    page = client.get(reverse("facilities:detail", args=[facility.code])).content.decode()

    assert "Request a program visit" in page
    assert reverse("visits:request", args=[facility.code]) in page
    assert 'class="hp-field"' in page
    assert "style=" not in page.split("Request a program visit", 1)[1]


def test_a_request_is_kept_confirmed_and_mailed_to_visitor_and_coordinators(
    client: Client, facility: Facility, django_capture_on_commit_callbacks: Any
) -> None:
    iac = member(facility, Role.IAC)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_request(client, facility)

    made = VisitRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:status", args=[made.token])
    assert made.programs == ["education", "religious"]
    assert len(made.preferred_dates) == 2
    assert made.phone == "+15735550142"
    status = client.get(response["Location"]).content.decode()
    assert "Your request for a program visit was sent" in status
    assert "0 of 3 program visits made" in status
    to = {tuple(m.to) for m in mail.outbox}
    assert to == {("vera@example.org",), (iac.email,)}
    visitor = next(m for m in mail.outbox if m.to == ["vera@example.org"])
    assert made.token in visitor.body
    assert "0 of the 3 program visits" in visitor.body


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"preferred_date_1": "2001-01-01"}, "not in the past"),
        ({"preferred_date_1": ""}, "This field is required"),
        ({"preferred_date_2": (age.today() + timedelta(days=3)).isoformat()}, "gave this date"),
        ({"preferred_date_1": (age.today() + timedelta(days=900)).isoformat()}, "next year"),
        ({"email": "not-an-address"}, "valid email"),
        ({"programs": []}, "This field is required"),
        ({"programs": ["juggling"]}, "Select a valid choice"),
        ({"phone": "12"}, "phone number"),
    ],
)
def test_bad_input_comes_back_with_every_answer_and_a_summary(
    client: Client, facility: Facility, overrides: dict[str, Any], error: str
) -> None:
    response = post_request(client, facility, **overrides)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert error in page
    assert 'value="Vera"' in page
    assert 'value="Visitor"' in page
    assert VisitRequest.objects.count() == 0


def test_the_honeypot_answers_as_a_success_and_keeps_nothing(
    client: Client, facility: Facility, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post_request(client, facility, website="http://spam.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("facilities:detail", args=[facility.code])
    assert VisitRequest.objects.count() == 0
    assert mail.outbox == []


def test_requests_are_rate_limited_per_address(client: Client, facility: Facility) -> None:
    for _ in range(visits.REQUESTS_PER_ADDRESS):
        assert post_request(client, facility).status_code == 302

    refused = post_request(client, facility)

    assert refused.status_code == 200
    assert "Too many visit requests" in refused.content.decode()
    assert VisitRequest.objects.count() == visits.REQUESTS_PER_ADDRESS
    # Another address from another client is not held up.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert post_request(other, facility, email="someone@example.org").status_code == 302


def test_requests_are_rate_limited_per_ip(facility: Facility) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    for n in range(visits.REQUESTS_PER_IP):
        assert post_request(client, facility, email=f"v{n}@example.org").status_code == 302

    refused = post_request(client, facility, email="fresh@example.org")

    assert "Too many visit requests" in refused.content.decode()
    assert not VisitRequest.objects.filter(email="fresh@example.org").exists()


# The allowance ---------------------------------------------------------------------------


def new_request(facility: Facility, email: str = "vera@example.org") -> VisitRequest:
    made = visits.request_visit(
        facility=facility,
        cleaned={
            "first_name": "Vera",
            "last_name": "Visitor",
            "email": email,
            "phone": None,
            "programs": ["education"],
            "preferred_dates": [age.today() + timedelta(days=3)],
        },
        ip="",
    )
    assert made is not None
    return made


def book(visit_request: VisitRequest, by: User, days: int = 4) -> ProgramVisit:
    return visits.schedule_visit(
        visit_request=visit_request,
        on=age.today() + timedelta(days=days),
        at=time(10, 30),
        program="education",
        escort=by,
        by=by,
    )


def test_the_program_default_limits_visits(facility: Facility, iac: User) -> None:
    assert facility.program_visits_override is None
    settings = ProgramSettings.load()
    settings.program_visits_default = 2
    settings.save()
    visit_request = new_request(facility)
    for _ in range(2):
        visits.record_visit(visit=book(visit_request, iac), made=True, by=iac)

    with pytest.raises(visits.VisitLimitReached, match="invited to apply"):
        book(visit_request, iac)
    # A second request from the same address does not restart the count.
    with pytest.raises(visits.VisitLimitReached):
        book(new_request(facility), iac)
    assert visits.tally(facility, "VERA@example.org").made == 2


def test_a_facility_override_beats_the_default(facility: Facility, iac: User) -> None:
    facility.program_visits_override = 1
    facility.save()
    visit_request = new_request(facility)
    visits.record_visit(visit=book(visit_request, iac), made=True, by=iac)

    with pytest.raises(visits.VisitLimitReached):
        book(visit_request, iac)


def test_a_missed_visit_does_not_count_and_a_booked_one_does(facility: Facility, iac: User) -> None:
    facility.program_visits_override = 1
    facility.save()
    visit_request = new_request(facility)
    visits.record_visit(visit=book(visit_request, iac), made=False, by=iac)
    book(visit_request, iac)  # the missed one freed its place

    with pytest.raises(visits.VisitLimitReached):
        book(visit_request, iac)  # the booked one holds it


def test_the_inbox_shows_the_count_and_refuses_at_the_limit(
    client: Client, facility: Facility, iac: User
) -> None:
    facility.program_visits_override = 1
    facility.save()
    visit_request = new_request(facility)
    visits.record_visit(visit=book(visit_request, iac), made=True, by=iac)
    client.force_login(iac)

    inbox = client.get(reverse("visits_staff:inbox", args=[facility.code])).content.decode()
    response = client.post(
        reverse("visits_staff:schedule", args=[facility.code, visit_request.pk]),
        {
            "on": (age.today() + timedelta(days=5)).isoformat(),
            "at": "10:00",
            "program": "education",
            "escort": iac.pk,
        },
    )

    assert "1 of 1 program visits made" in inbox
    assert "limit reached" in inbox
    assert "scheduling another is refused" in inbox
    assert response.status_code == 400
    assert "invited to apply" in response.content.decode()
    assert ProgramVisit.objects.count() == 1
    status = client.get(reverse("visits:status", args=[visit_request.token])).content.decode()
    assert "You are invited to apply" in status


def test_an_escort_from_another_facility_is_refused(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    with pytest.raises(visits.VisitError, match="staff member of this facility"):
        book(new_request(facility), member(other_facility, Role.IAC))


def test_declining_needs_a_reason_and_tells_the_visitor(
    client: Client, facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    visit_request = new_request(facility)
    client.force_login(iac)
    url = reverse("visits_staff:decline", args=[facility.code, visit_request.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "No escort this month."}).status_code == 302

    visit_request.refresh_from_db()
    assert visit_request.status == VisitRequestStatus.DECLINED
    assert any("No escort this month." in m.body for m in mail.outbox)


def test_the_inbox_query_count_does_not_grow(
    client: Client, facility: Facility, iac: User, django_assert_num_queries: Any
) -> None:
    client.force_login(iac)
    url = reverse("visits_staff:inbox", args=[facility.code])
    for n in range(2):
        book(new_request(facility, f"a{n}@example.org"), iac)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(6):
        visit_request = new_request(facility, f"b{n}@example.org")
        visits.record_visit(visit=book(visit_request, iac), made=True, by=iac)

    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


# Starting an application from a visit ---------------------------------------------------


def test_start_an_application_carries_name_email_and_phone_into_the_draft(
    client: Client, facility: Facility, iac: User
) -> None:
    visit_request = new_request(facility, "vera@example.org")
    VisitRequest.objects.filter(pk=visit_request.pk).update(phone="+15735550142")
    person = applicant(email="vera@example.org")
    client.force_login(person.user)

    response = client.post(
        reverse("visits:apply", args=[visit_request.token]), {"kind": "volunteer"}
    )

    application = Application.objects.get(person=person)
    assert application.facility == facility
    assert application.status == "draft"
    assert response["Location"] == reverse(
        "applications:section", args=[application.public_id, "identity"]
    )
    section = client.get(response["Location"]).content.decode()
    assert 'value="Vera"' in section
    assert 'value="Visitor"' in section
    assert 'value="vera@example.org"' in section
    assert "573" in section
    assert "555-0142" in section
    visit_request.refresh_from_db()
    assert visit_request.person == person


def test_the_carry_over_never_overwrites_answers(facility: Facility) -> None:
    visit_request = new_request(facility, "vera@example.org")
    person = applicant(email="vera@example.org", first_name="Veronica")

    visits.start_application_from_visit(
        visit_request=visit_request, user=person.user, kind="volunteer"
    )

    person.refresh_from_db()
    assert person.first_name == "Veronica"
    assert person.last_name == "Visitor"


def test_starting_needs_the_email_sign_in(client: Client, facility: Facility) -> None:
    visit_request = new_request(facility)
    url = reverse("visits:apply", args=[visit_request.token])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("applications:sign_in"))


def test_the_status_page_is_never_cached(client: Client, facility: Facility) -> None:
    response = client.get(reverse("visits:status", args=[new_request(facility).token]))

    assert "no-store" in response["Cache-Control"]


def test_an_unknown_token_is_a_404(client: Client) -> None:
    assert client.get(reverse("visits:status", args=["nope"])).status_code == 404


def test_the_coordinator_sees_the_visits_on_the_application(
    client: Client, facility: Facility, iac: User
) -> None:
    from tests.screening.helpers import make_application, new_person

    person: Person = new_person(email="vera@example.org")
    visit_request = new_request(facility, "vera@example.org")
    visits.record_visit(visit=book(visit_request, iac), made=True, by=iac)
    application = make_application(facility, person=person)
    client.force_login(iac)

    detail = client.get(reverse("staff:application", args=[application.reference]))
    page = client.get(reverse("visits_staff:application_visits", args=[application.reference]))

    assert reverse("visits_staff:application_visits", args=[application.reference]) in (
        detail.content.decode()
    )
    text = page.content.decode()
    assert "1 of 3 program visits made" in text
    assert str(VisitStatus.MADE.label) in text
