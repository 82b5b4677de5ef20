"""Training sessions: capacity, who may enrol, attendance for a whole session at once; the
applicant's own sign-up page; coordinators enrolling from the grant and the session page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from facilities.models import Facility
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    VOLUNTEER_ORIENTATION,
    active_grant,
    course,
    grant_at,
    let_session_start,
    session_at,
)
from volunteers import activation
from volunteers.errors import VolunteerError
from volunteers.models import (
    AccessStatus,
    Enrollment,
    FacilityAccess,
    TrainingCompletion,
    TrainingSession,
)

pytestmark = pytest.mark.django_db


def people(facility: Facility, iac: User, count: int) -> list[FacilityAccess]:
    return [grant_at(facility, by=iac) for _ in range(count)]


# Capacity and duplicates -----------------------------------------------------------------


def test_a_full_session_refuses_the_next_person(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac, capacity=2)
    first, second, third = people(facility, iac, 3)
    activation.enrol(session=session, person=first.person, by=iac)
    activation.enrol(session=session, person=second.person, by=iac)

    with pytest.raises(VolunteerError, match=r"This session is full\."):
        activation.enrol(session=session, person=third.person, by=iac)

    assert session.enrollments.count() == 2


def test_a_place_freed_by_a_cancellation_can_be_taken(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac, capacity=1)
    first, second = people(facility, iac, 2)
    enrollment = activation.enrol(session=session, person=first.person, by=iac)

    activation.cancel_enrolment(enrollment=enrollment, by=iac)
    activation.enrol(session=session, person=second.person, by=iac)

    assert [e.person for e in session.enrollments.all()] == [second.person]


def test_signing_up_twice_is_refused(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac)
    (grant,) = people(facility, iac, 1)
    activation.enrol(session=session, person=grant.person, by=iac)

    with pytest.raises(VolunteerError, match="Already signed up"):
        activation.enrol(session=session, person=grant.person, by=grant.person.user)

    assert session.enrollments.count() == 1


# Who a session is open to ------------------------------------------------------------------


def test_a_facility_session_is_for_people_with_live_access_there(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    session = session_at(facility, by=iac)
    pending = grant_at(facility, by=iac)
    active = active_grant(facility, by=iac)
    elsewhere = grant_at(other_facility, by=other_iac)
    ended = grant_at(facility, by=iac)
    activation.move_access(grant=ended, to=AccessStatus.ENDED, by=iac)

    activation.enrol(session=session, person=pending.person, by=iac)
    activation.enrol(session=session, person=active.person, by=iac)
    for outsider in (elsewhere, ended):
        with pytest.raises(VolunteerError, match="not open to this person"):
            activation.enrol(session=session, person=outsider.person, by=iac)

    assert {e.person for e in session.enrollments.all()} == {pending.person, active.person}


def test_a_statewide_session_is_for_people_pending_activation(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User, pic_coordinator: User
) -> None:
    session = session_at(None, by=pic_coordinator, code=VOLUNTEER_ORIENTATION)
    here = grant_at(facility, by=iac)
    there = grant_at(other_facility, by=other_iac)
    active = active_grant(facility, by=iac)

    activation.enrol(session=session, person=here.person, by=pic_coordinator)
    activation.enrol(session=session, person=there.person, by=pic_coordinator)
    with pytest.raises(VolunteerError, match="not open to this person"):
        activation.enrol(session=session, person=active.person, by=pic_coordinator)


def test_a_session_that_started_refuses_enrolment(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac, starts_in=-1)
    (grant,) = people(facility, iac, 1)

    with pytest.raises(VolunteerError, match="already started"):
        activation.enrol(session=session, person=grant.person, by=iac)


def test_a_session_must_end_after_it_starts(facility: Facility, iac: User) -> None:
    starts = timezone.now() + timedelta(days=1)
    with pytest.raises(VolunteerError, match="end after it starts"):
        activation.schedule_session(
            by=iac,
            course=course(FACILITY_ORIENTATION),
            facility=facility,
            place="Chapel",
            starts_at=starts,
            ends_at=starts,
            capacity=5,
        )


# Attendance ------------------------------------------------------------------------------


def test_attendance_for_the_whole_session_at_once(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac)
    there, absent, also_there = people(facility, iac, 3)
    enrollments = {
        grant.pk: activation.enrol(session=session, person=grant.person, by=iac)
        for grant in (there, absent, also_there)
    }
    let_session_start(session)

    done = activation.record_attendance(
        session=session,
        by=iac,
        attended=[enrollments[there.pk].pk, enrollments[also_there.pk].pk],
    )

    assert {c.person for c in done} == {there.person, also_there.person}
    day = timezone.localdate(session.starts_at)
    for completion in done:
        assert (completion.course.code, completion.completed_on, completion.session) == (
            FACILITY_ORIENTATION,
            day,
            session,
        )
        assert (completion.facility, completion.recorded_by) == (facility, iac)
    assert not TrainingCompletion.objects.filter(person=absent.person).exists()
    marks = {e.person_id: e.attended for e in Enrollment.objects.filter(session=session)}
    assert marks == {there.person.pk: True, absent.person.pk: False, also_there.person.pk: True}
    session.refresh_from_db()
    assert session.attendance_recorded_at is not None


def test_attendance_cannot_be_recorded_twice(facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac)
    (grant,) = people(facility, iac, 1)
    enrollment = activation.enrol(session=session, person=grant.person, by=iac)
    let_session_start(session)
    activation.record_attendance(session=session, by=iac, attended=[enrollment.pk])

    with pytest.raises(VolunteerError, match="already recorded"):
        activation.record_attendance(session=session, by=iac, attended=[enrollment.pk])
    with pytest.raises(VolunteerError, match="already recorded"):
        activation.cancel_enrolment(enrollment=enrollment, by=iac)

    assert TrainingCompletion.objects.filter(person=grant.person).count() == 1


def test_attendance_cannot_be_recorded_before_the_session_starts(
    facility: Facility, iac: User
) -> None:
    session = session_at(facility, by=iac)
    (grant,) = people(facility, iac, 1)
    enrollment = activation.enrol(session=session, person=grant.person, by=iac)

    with pytest.raises(VolunteerError, match="after the session has started"):
        activation.record_attendance(session=session, by=iac, attended=[enrollment.pk])

    assert not TrainingCompletion.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.attended is None


def test_attendance_through_the_session_page(client: Client, facility: Facility, iac: User) -> None:
    session = session_at(facility, by=iac)
    present, absent = people(facility, iac, 2)
    kept = activation.enrol(session=session, person=present.person, by=iac)
    activation.enrol(session=session, person=absent.person, by=iac)
    client.force_login(iac)
    url = reverse("volunteers:session", args=[facility.code, session.pk])

    early = client.post(url, {"action": "attendance", "attended": [str(kept.pk)]})
    assert early.status_code == 200
    assert "Attendance is recorded after the session has started." in early.content.decode()

    let_session_start(session)
    assert "Record attendance and completions" in client.get(url).content.decode()
    response = client.post(url, {"action": "attendance", "attended": [str(kept.pk)]})

    assert response.status_code == 302
    assert [c.person for c in TrainingCompletion.objects.all()] == [present.person]
    again = client.post(url, {"action": "attendance", "attended": [str(kept.pk)]})
    assert again.status_code == 200
    assert "Attendance was already recorded" in again.content.decode()
    assert TrainingCompletion.objects.count() == 1


# Coordinators enrol people -----------------------------------------------------------------


def test_a_coordinator_enrols_from_the_grant_page(
    client: Client, facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = grant_at(facility, by=iac)
    here = session_at(facility, by=iac)
    statewide = session_at(None, by=pic_coordinator, code=VOLUNTEER_ORIENTATION)
    client.force_login(iac)
    url = reverse("volunteers:access_enrol", args=[facility.code, grant.pk])

    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content.decode()
    assert f'value="{here.pk}"' in page
    assert f'value="{statewide.pk}"' in page
    for session in (here, statewide):
        assert client.post(url, {"session": session.pk}).status_code == 302

    assert {e.session for e in grant.person.enrollments.all()} == {here, statewide}
    again = client.post(url, {"session": here.pk})
    assert again.status_code == 200
    assert "Already signed up for this session." in again.content.decode()


def test_the_grant_page_offers_no_statewide_session_once_active(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    iac: User,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    grant = active_grant(facility, by=iac)
    statewide = session_at(None, by=pic_coordinator, code=VOLUNTEER_ORIENTATION)
    elsewhere = session_at(other_facility, by=other_iac)
    client.force_login(iac)

    for session in (statewide, elsewhere):
        response = client.post(
            reverse("volunteers:access_enrol", args=[facility.code, grant.pk]),
            {"session": session.pk},
        )
        assert response.status_code == 200  # not a choice: the form says so
    assert not Enrollment.objects.exists()


def test_a_coordinator_enrols_from_the_session_page(
    client: Client, facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    session = session_at(facility, by=iac, capacity=1)
    grant, late = people(facility, iac, 2)
    outsider = grant_at(other_facility, by=other_iac)
    client.force_login(iac)
    url = reverse("volunteers:session", args=[facility.code, session.pk])

    page = client.get(url).content.decode()
    assert grant.person.full_name in page
    assert outsider.person.full_name not in page  # not offered: no access here
    assert client.post(url, {"action": "enrol", "person": outsider.person.pk}).status_code == 200

    response = client.post(url, {"action": "enrol", "person": grant.person.pk})
    assert response.status_code == 302
    assert [e.person for e in session.enrollments.all()] == [grant.person]

    full = client.post(url, {"action": "enrol", "person": late.person.pk})
    assert full.status_code == 200
    assert "This session is full." in full.content.decode()


def test_a_coordinator_removes_someone_from_a_session(
    client: Client, facility: Facility, iac: User
) -> None:
    session = session_at(facility, by=iac)
    (grant,) = people(facility, iac, 1)
    enrollment = activation.enrol(session=session, person=grant.person, by=iac)
    client.force_login(iac)

    response = client.post(
        reverse("volunteers:cancel_enrolment", args=[facility.code, session.pk, enrollment.pk])
    )

    assert response.status_code == 302
    assert not session.enrollments.exists()


def test_the_pic_coordinator_runs_statewide_sessions(
    client: Client, facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(pic_coordinator)
    starts = timezone.localtime() + timedelta(days=7)

    response = client.post(
        reverse("volunteers:statewide_sessions"),
        {
            "course": course(VOLUNTEER_ORIENTATION).pk,
            "place": "Jefferson City, Central Office",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 30,
        },
    )

    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.is_statewide
    assert response["Location"] == reverse("volunteers:statewide_session", args=[session.pk])
    enrolled = client.post(response["Location"], {"action": "enrol", "person": grant.person.pk})
    assert enrolled.status_code == 302
    assert [e.person for e in session.enrollments.all()] == [grant.person]


def test_a_session_in_the_past_cannot_be_scheduled_from_the_page(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    starts = timezone.localtime() - timedelta(days=1)

    response = client.post(
        reverse("volunteers:sessions", args=[facility.code]),
        {
            "course": course(FACILITY_ORIENTATION).pk,
            "place": "Chapel",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 5,
        },
    )

    assert response.status_code == 200
    assert "This time has passed." in response.content.decode()
    assert 'value="Chapel"' in response.content.decode()


# The applicant's own page ------------------------------------------------------------------


def test_the_applicant_sees_only_sessions_open_to_them(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    iac: User,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    grant = grant_at(facility, by=iac)
    here = session_at(facility, by=iac, place="Algoa visiting room")
    statewide = session_at(
        None, by=pic_coordinator, code=VOLUNTEER_ORIENTATION, place="Central Office"
    )
    elsewhere = session_at(other_facility, by=other_iac, place="Boonville chapel")
    past = session_at(facility, by=iac, starts_in=-5, place="Algoa gym")
    client.force_login(grant.person.user)

    page = client.get(reverse("volunteers_portal:sessions")).content.decode()

    assert "Algoa visiting room" in page
    assert "Central Office" in page
    assert "Boonville chapel" not in page
    assert "Algoa gym" not in page
    refused = client.post(reverse("volunteers_portal:sign_up", args=[elsewhere.pk]))
    assert refused.status_code == 404
    assert client.post(reverse("volunteers_portal:sign_up", args=[past.pk])).status_code == 404
    for session in (here, statewide):
        assert reverse("volunteers_portal:sign_up", args=[session.pk]) in page


def test_the_applicant_signs_up_and_cancels(client: Client, facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    session = session_at(facility, by=iac)
    client.force_login(grant.person.user)

    response = client.post(reverse("volunteers_portal:sign_up", args=[session.pk]), follow=True)
    assert response.redirect_chain == [(reverse("volunteers_portal:sessions"), 302)]
    assert "You are signed up." in response.content.decode()
    enrollment = Enrollment.objects.get(session=session)
    assert (enrollment.person, enrollment.enrolled_by) == (grant.person, grant.person.user)
    assert reverse("volunteers_portal:cancel", args=[session.pk]) in response.content.decode()

    twice = client.post(reverse("volunteers_portal:sign_up", args=[session.pk]), follow=True)
    assert "Already signed up for this session." in twice.content.decode()

    cancelled = client.post(reverse("volunteers_portal:cancel", args=[session.pk]), follow=True)
    assert "You are no longer signed up." in cancelled.content.decode()
    assert not Enrollment.objects.exists()


def test_an_applicant_cannot_cancel_someone_else(
    client: Client, facility: Facility, iac: User
) -> None:
    mine, theirs = people(facility, iac, 2)
    session = session_at(facility, by=iac)
    activation.enrol(session=session, person=theirs.person, by=iac)
    client.force_login(mine.person.user)

    response = client.post(reverse("volunteers_portal:cancel", args=[session.pk]))

    assert response.status_code == 404
    assert session.enrollments.count() == 1


def test_a_full_session_is_refused_on_the_applicant_page(
    client: Client, facility: Facility, iac: User
) -> None:
    first, second = people(facility, iac, 2)
    session = session_at(facility, by=iac, capacity=1)
    activation.enrol(session=session, person=first.person, by=iac)
    client.force_login(second.person.user)

    response = client.post(reverse("volunteers_portal:sign_up", args=[session.pk]), follow=True)

    assert "This session is full." in response.content.decode()
    assert session.enrollments.count() == 1


def test_the_applicant_pages_are_for_applicants(
    client: Client, facility: Facility, iac: User
) -> None:
    url = reverse("volunteers_portal:sessions")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("applications:sign_in"))
    client.force_login(iac)
    assert client.get(url).status_code == 403


# Lists cost the same however long they are -------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_session_list_and_page_cost_the_same_for_3_and_15(
    client: Client, facility: Facility, iac: User
) -> None:
    client.force_login(iac)
    lst = reverse("volunteers:sessions", args=[facility.code])
    big = session_at(facility, by=iac, capacity=50)
    page = reverse("volunteers:session", args=[facility.code, big.pk])

    def grow(count: int) -> None:
        for n in range(count):
            session_at(facility, by=iac, starts_in=-24 * (n + 1) if n % 2 else 24 * (n + 2))
            activation.enrol(session=big, person=grant_at(facility, by=iac).person, by=iac)

    grow(3)
    count_queries(client, lst)
    small = (count_queries(client, lst), count_queries(client, page))
    grow(12)
    large = (count_queries(client, lst), count_queries(client, page))

    assert small == large


def test_the_applicant_session_page_costs_the_same_for_3_and_15(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(grant.person.user)
    url = reverse("volunteers_portal:sessions")

    def grow(count: int) -> None:
        for _ in range(count):
            session = session_at(facility, by=iac)
            activation.enrol(session=session, person=grant.person, by=iac)

    grow(3)
    count_queries(client, url)
    small = count_queries(client, url)
    grow(12)

    assert count_queries(client, url) == small


def test_completions_from_a_statewide_session_count_everywhere(
    facility: Facility,
    other_facility: Facility,
    iac: User,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    here, there = grant_at(facility, by=iac), grant_at(other_facility, by=other_iac)
    session = session_at(None, by=pic_coordinator, code=VOLUNTEER_ORIENTATION)
    enrolled = [
        activation.enrol(session=session, person=g.person, by=pic_coordinator)
        for g in (here, there)
    ]
    let_session_start(session)

    activation.record_attendance(
        session=session, by=pic_coordinator, attended=[e.pk for e in enrolled]
    )

    for grant in (here, there):
        completion = TrainingCompletion.objects.get(person=grant.person)
        assert (completion.course.code, completion.facility) == (VOLUNTEER_ORIENTATION, None)
        assert completion.completed_on <= age.today()


def test_nobody_leaves_a_session_once_it_has_started(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = active_grant(facility, by=iac)
    session = session_at(facility, by=iac)
    enrollment = activation.enrol(session=session, person=grant.person, by=iac)
    let_session_start(session)

    with pytest.raises(VolunteerError, match="already started"):
        activation.cancel_enrolment(enrollment=enrollment, by=iac)

    client.force_login(grant.person.user)
    response = client.post(reverse("volunteers_portal:cancel", args=[session.pk]), follow=True)
    assert "This session has already started." in response.content.decode()
    assert session.enrollments.filter(pk=enrollment.pk).exists()
