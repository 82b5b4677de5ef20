"""The second gate, activation (badge, dates, level by age), the contact upgrade, trainings
recorded one by one, TB tests and the annual in-service (DESIGN rules 1, 3, 8, 10)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from audit.models import AuditEvent
from facilities.models import Facility, ProgramSettings, Role
from screening import services
from tests.conftest import member
from tests.dates import long_date
from tests.factories import FacilityFactory
from tests.volunteers.activation_helpers import (
    FACILITY_ORIENTATION,
    IN_SERVICE,
    PREA,
    VOLUNTEER_ORIENTATION,
    active_grant,
    born_turning,
    complete,
    course,
    grant_at,
    not_leap_day,
    tb_test,
)
from volunteers import activation
from volunteers.compliance import activation_problems, add_months, items_for
from volunteers.errors import GateClosed, VolunteerError
from volunteers.models import AccessEvent, AccessStatus, FacilityAccess, TBTest, TrainingCompletion

pytestmark = pytest.mark.django_db

NO_VOLUNTEER_ORIENTATION = "Volunteer orientation (one-day volunteer training) is not done."
NO_PREA = "PREA training is not done."
PREA_EXPIRED = "PREA training has expired."
NO_FACILITY_ORIENTATION = "Facility orientation is not done."
NO_TB = "TB test is not done."


def positive_tb(tested_on: date) -> str:
    return f"The latest TB test ({tested_on.strftime('%B %-d, %Y')}) is positive and not cleared."


TB_EXPIRED = "TB test has expired."
BANNED = "The person is under a statewide ban."
NOT_PENDING = "Only access pending activation can be activated."


def gate(grant: FacilityAccess, by: User) -> list[str]:
    """What activation_problems lists, checked to be exactly what activate_access refuses."""
    problems = activation_problems(grant, age.today())
    before = (grant.status, grant.badge_number)
    if problems:
        with pytest.raises(GateClosed) as refused:
            activation.activate_access(grant=grant, by=by)
        assert refused.value.missing == problems
        grant.refresh_from_db()
        assert (grant.status, grant.badge_number) == before
    return problems


# The gate, condition by condition --------------------------------------------------------


def test_a_fresh_grant_lists_everything_missing(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)

    assert gate(grant, iac) == [
        NO_FACILITY_ORIENTATION,
        NO_PREA,
        NO_VOLUNTEER_ORIENTATION,
        NO_TB,
    ]
    grant.refresh_from_db()
    assert grant.status == AccessStatus.PENDING_ACTIVATION
    assert grant.badge_number is None


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        (VOLUNTEER_ORIENTATION, NO_VOLUNTEER_ORIENTATION),
        (PREA, NO_PREA),
        (FACILITY_ORIENTATION, NO_FACILITY_ORIENTATION),
    ],
)
def test_each_missing_training_is_listed_alone(
    facility: Facility, iac: User, missing: str, message: str
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(missing,))

    assert gate(grant, iac) == [message]


def test_everything_done_opens_the_gate(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)

    assert activation_problems(grant, age.today()) == []


def test_prea_completed_13_months_ago_has_expired(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(PREA,))
    activation.record_completion(
        person=grant.person,
        course=course(PREA),
        completed_on=add_months(age.today(), -13),
        by=iac,
    )

    assert gate(grant, iac) == [PREA_EXPIRED]


def test_prea_is_current_through_the_day_it_expires(facility: Facility, iac: User) -> None:
    today = age.today()
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(PREA,))
    activation.record_completion(
        person=grant.person, course=course(PREA), completed_on=add_months(today, -12), by=iac
    )

    assert activation_problems(grant, today) == []
    assert activation_problems(grant, today + timedelta(days=1)) == [PREA_EXPIRED]


def test_facility_orientation_at_another_facility_does_not_count(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(FACILITY_ORIENTATION,))
    activation.record_completion(
        person=grant.person,
        course=course(FACILITY_ORIENTATION),
        completed_on=age.today(),
        by=iac,
        facility=other_facility,
    )

    assert gate(grant, iac) == [NO_FACILITY_ORIENTATION]

    activation.record_completion(
        person=grant.person,
        course=course(FACILITY_ORIENTATION),
        completed_on=age.today(),
        by=iac,
        facility=facility,
    )
    assert activation_problems(grant, age.today()) == []


def test_a_facility_orientation_needs_its_facility(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)

    with pytest.raises(VolunteerError, match="at which facility"):
        activation.record_completion(
            person=grant.person,
            course=course(FACILITY_ORIENTATION),
            completed_on=age.today(),
            by=iac,
        )


@pytest.mark.parametrize(
    ("tested_months_ago", "result", "message"),
    [
        (None, None, NO_TB),
        (13, "negative", TB_EXPIRED),
        (0, "positive", positive_tb(age.today())),
    ],
    ids=["missing", "expired", "positive-not-cleared"],
)
def test_a_tb_test_is_required_where_the_facility_requires_one(
    facility: Facility, iac: User, tested_months_ago: int | None, result: str, message: str
) -> None:
    assert facility.tb_test_required
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, tb=None)
    if tested_months_ago is not None:
        tb_test(grant, by=iac, tested_on=add_months(age.today(), -tested_months_ago), result=result)

    assert gate(grant, iac) == [message]


def test_a_positive_result_cleared_by_x_ray_counts(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, tb="positive_cleared")

    assert activation_problems(grant, age.today()) == []


def test_the_latest_tb_test_decides(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, tb=None)
    tb_test(grant, by=iac, tested_on=age.today() - timedelta(days=30), result="negative")
    tb_test(grant, by=iac, tested_on=age.today(), result="positive")

    assert gate(grant, iac) == [positive_tb(age.today())]


def test_no_tb_test_where_the_facility_needs_none(db: None) -> None:
    office = FacilityFactory.create(code="P13", name="District 13 P&P", tb_test_required=False)
    coordinator = member(office, Role.SITE_COORDINATOR)
    grant = grant_at(office, by=coordinator)
    complete(grant, by=coordinator, tb=None)

    assert activation_problems(grant, age.today()) == []
    assert "tb" not in [item.key for item in items_for(grant, age.today())]
    activated = activation.activate_access(grant=grant, by=coordinator)
    assert activated.status == AccessStatus.ACTIVE


def test_a_statewide_ban_closes_the_gate(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)
    ban = services.ban_person(person=grant.person, by=pic_coordinator, reason="Contraband.")

    assert gate(grant, iac) == [BANNED]

    services.lift_ban(ban=ban, by=pic_coordinator, reason="Cleared on appeal.")
    assert activation_problems(grant, age.today()) == []


def test_only_access_pending_activation_can_be_activated(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)

    assert gate(grant, iac) == [NOT_PENDING]
    grant.refresh_from_db()
    assert grant.badge_number == "ACC-00001"


def test_ended_access_cannot_be_activated(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)
    activation.move_access(grant=grant, to=AccessStatus.ENDED, by=iac, text="Moved away.")
    grant.refresh_from_db()

    assert gate(grant, iac) == [NOT_PENDING]


def test_the_gate_lists_several_problems_at_once(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac, skip=(PREA,), tb=None)
    services.ban_person(person=grant.person, by=pic_coordinator, reason="Contraband.")

    assert gate(grant, iac) == [NO_PREA, NO_TB, BANNED]


# Activation: badge, dates, level -----------------------------------------------------------


def test_badges_are_sequential_per_facility(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    first = active_grant(facility, by=iac)
    elsewhere = active_grant(other_facility, by=other_iac)
    second = active_grant(facility, by=iac)

    assert first.badge_number == "ACC-00001"
    assert second.badge_number == "ACC-00002"
    assert elsewhere.badge_number == "BCC-00001"


def test_activation_sets_start_and_expiry_from_the_program_settings(
    facility: Facility, iac: User
) -> None:
    today = age.today()
    assert ProgramSettings.load().access_validity_months == 24
    grant = active_grant(facility, by=iac)

    assert grant.status == AccessStatus.ACTIVE
    assert grant.starts_on == today
    assert grant.expires_on == add_months(today, 24)

    settings = ProgramSettings.load()
    settings.access_validity_months = 12
    settings.save()
    shorter = active_grant(facility, by=iac)
    assert shorter.expires_on == add_months(today, 12)


def test_activation_appends_the_event_and_audits(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)

    event = grant.events.order_by("pk").last()
    assert event is not None
    assert (event.from_status, event.to_status) == (
        AccessStatus.PENDING_ACTIVATION,
        AccessStatus.ACTIVE,
    )
    assert event.actor == iac
    audit = AuditEvent.objects.get(action="screening.access_activated", target_id=str(grant.pk))
    assert audit.details == {"badge": "ACC-00001", "level": AccessLevel.CONTACT}
    assert audit.actor_id == str(iac.pk)


def test_activated_at_18_years_364_days_is_no_contact_until_the_19th_birthday(
    facility: Facility, iac: User
) -> None:
    birthday = not_leap_day(age.today() + timedelta(days=1))
    on = birthday - timedelta(days=1)
    grant = active_grant(
        facility, by=iac, on=on, level=AccessLevel.CONTACT, born=born_turning(19, birthday)
    )

    assert age.age_on(grant.person.date_of_birth, on) == 18
    assert grant.level_approved == AccessLevel.CONTACT
    assert grant.level_effective == AccessLevel.NO_CONTACT
    assert grant.contact_eligible_on == birthday


def test_activated_on_the_19th_birthday_is_contact(facility: Facility, iac: User) -> None:
    birthday = not_leap_day(age.today())
    grant = active_grant(
        facility, by=iac, on=birthday, level=AccessLevel.CONTACT, born=born_turning(19, birthday)
    )

    assert grant.level_effective == AccessLevel.CONTACT
    assert grant.contact_eligible_on is None


@pytest.mark.parametrize("years", [18, 40])
def test_a_grant_approved_at_no_contact_is_activated_no_contact(
    facility: Facility, iac: User, years: int
) -> None:
    day = not_leap_day(age.today())
    grant = active_grant(
        facility, by=iac, level=AccessLevel.NO_CONTACT, born=born_turning(years, day), on=day
    )

    assert grant.level_effective == AccessLevel.NO_CONTACT
    assert grant.contact_eligible_on is None


def test_activation_mails_the_volunteer(
    facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        activated = activation.activate_access(grant=grant, by=iac)

    (message,) = mail.outbox
    assert message.to == [grant.person.email]
    assert message.subject == "You are active at Algoa Correctional Center"
    assert "ACC-00001" in message.body
    assert long_date(activated.expires_on) in message.body
    assert "/account/access/" in message.body


def test_a_refused_activation_mails_nobody(
    facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    grant = grant_at(facility, by=iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(GateClosed):
        activation.activate_access(grant=grant, by=iac)

    assert mail.outbox == []


def test_activation_through_the_grant_page(client: Client, facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(iac)
    url = reverse("volunteers:access_activate", args=[facility.code, grant.pk])

    refused = client.post(url)
    assert refused.status_code == 200
    assert f"Not yet: {NO_FACILITY_ORIENTATION}; {NO_PREA}" in refused.content.decode()
    grant.refresh_from_db()
    assert grant.status == AccessStatus.PENDING_ACTIVATION

    complete(grant, by=iac)
    response = client.post(url)
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.badge_number) == (AccessStatus.ACTIVE, "ACC-00001")
    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content.decode()
    assert "ACC-00001" in page


# The flush after a transactional test removes the seeded catalogue; tests/conftest.py
# seeds it again before each transactional test.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers and has no row locks: the race needs PostgreSQL",
)
def test_two_activations_at_once_get_consecutive_badges(facility: Facility, iac: User) -> None:
    grants = [grant_at(facility, by=iac) for _ in range(2)]
    for grant in grants:
        complete(grant, by=iac)
    barrier = threading.Barrier(len(grants))
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def activate(grant: FacilityAccess) -> None:
        try:
            barrier.wait(timeout=10)
            activated = activation.activate_access(grant=grant, by=iac)
            results[grant.pk] = activated.badge_number or ""
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=activate, args=(grant,)) for grant in grants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results.values()) == ["ACC-00001", "ACC-00002"]
    assert sorted(FacilityAccess.objects.values_list("badge_number", flat=True)) == [
        "ACC-00001",
        "ACC-00002",
    ]


# The contact upgrade -----------------------------------------------------------------------


def young_active_grant(facility: Facility, iac: User, *, level: str = AccessLevel.CONTACT):
    """Activated ten days before the 19th birthday, which is today (or the day before)."""
    birthday = not_leap_day(age.today())
    grant = active_grant(
        facility,
        by=iac,
        on=birthday - timedelta(days=10),
        level=level,
        born=born_turning(19, birthday),
    )
    return grant, birthday


def test_upgrade_is_refused_the_day_before_the_19th_birthday(facility: Facility, iac: User) -> None:
    grant, birthday = young_active_grant(facility, iac)
    assert grant.contact_eligible_on == birthday

    with pytest.raises(VolunteerError, match="Not before the 19th birthday"):
        activation.upgrade_to_contact(grant=grant, by=iac, on=birthday - timedelta(days=1))

    grant.refresh_from_db()
    assert grant.level_effective == AccessLevel.NO_CONTACT
    assert not AuditEvent.objects.filter(action="screening.contact_upgraded").exists()


def test_upgrade_on_the_19th_birthday_is_audited(
    facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    grant, birthday = young_active_grant(facility, iac)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        upgraded = activation.upgrade_to_contact(grant=grant, by=iac, on=birthday)

    assert upgraded.level_effective == AccessLevel.CONTACT
    assert upgraded.contact_eligible_on is None
    audit = AuditEvent.objects.get(action="screening.contact_upgraded")
    assert (audit.target_id, audit.actor_id, audit.facility_code) == (
        str(grant.pk),
        str(iac.pk),
        "ACC",
    )
    event = grant.events.order_by("pk").last()
    assert event.text == "Upgraded to offender contact."
    assert [m.to for m in mail.outbox] == [[grant.person.email]]
    assert FacilityAccess.objects.get(pk=grant.pk).level_effective == AccessLevel.CONTACT

    with pytest.raises(VolunteerError, match="already allows offender contact"):
        activation.upgrade_to_contact(grant=grant, by=iac, on=birthday)


@pytest.mark.parametrize("years", [18, 40])
def test_upgrade_is_refused_for_a_grant_approved_at_no_contact(
    facility: Facility, iac: User, years: int
) -> None:
    day = not_leap_day(age.today())
    grant = active_grant(
        facility, by=iac, level=AccessLevel.NO_CONTACT, born=born_turning(years, day), on=day
    )

    with pytest.raises(VolunteerError, match="approved without offender contact"):
        activation.upgrade_to_contact(grant=grant, by=iac, on=day + timedelta(days=400))
    assert not AuditEvent.objects.filter(action="screening.contact_upgraded").exists()


def test_upgrade_is_refused_before_activation(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)

    with pytest.raises(VolunteerError, match="Only active access"):
        activation.upgrade_to_contact(grant=grant, by=iac)


def test_ready_for_contact_from_the_19th_birthday(facility: Facility, iac: User) -> None:
    grant, birthday = young_active_grant(facility, iac)
    ready = FacilityAccess.objects.ready_for_contact

    assert grant not in ready(birthday - timedelta(days=1))
    assert list(ready(birthday)) == [grant]
    assert list(ready(birthday + timedelta(days=30))) == [grant]

    activation.upgrade_to_contact(grant=grant, by=iac, on=birthday)
    assert grant not in ready(birthday)


def test_a_no_contact_grant_is_never_ready_for_contact(facility: Facility, iac: User) -> None:
    grant, birthday = young_active_grant(facility, iac, level=AccessLevel.NO_CONTACT)

    assert grant.contact_eligible_on is None
    assert grant not in FacilityAccess.objects.ready_for_contact(birthday + timedelta(days=400))


def test_upgrade_through_the_grant_page(client: Client, facility: Facility, iac: User) -> None:
    grant, birthday = young_active_grant(facility, iac)
    client.force_login(iac)
    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk]))
    if birthday == age.today():
        assert "Upgrade to offender contact" in page.content.decode()

    response = client.post(reverse("volunteers:access_upgrade", args=[facility.code, grant.pk]))

    grant.refresh_from_db()
    if birthday == age.today():
        assert response.status_code == 302
        assert grant.level_effective == AccessLevel.CONTACT
    else:  # today is 29 February: the birthday is tomorrow
        assert response.status_code == 200
        assert grant.level_effective == AccessLevel.NO_CONTACT


def test_the_page_offers_no_upgrade_before_the_birthday(
    client: Client, facility: Facility, iac: User
) -> None:
    birthday = not_leap_day(age.today() + timedelta(days=20))
    grant = active_grant(facility, by=iac, born=born_turning(19, birthday))
    client.force_login(iac)

    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content.decode()
    assert "Upgrade to offender contact" not in page
    response = client.post(reverse("volunteers:access_upgrade", args=[facility.code, grant.pk]))
    assert response.status_code == 200
    assert "Not before the 19th birthday" in response.content.decode()
    grant.refresh_from_db()
    assert grant.level_effective == AccessLevel.NO_CONTACT


# Trainings recorded one by one, TB tests ---------------------------------------------------


def test_completions_are_recorded_one_by_one_through_the_grant_page(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(iac)
    url = reverse("volunteers:access_completion", args=[facility.code, grant.pk])
    day = age.today() - timedelta(days=3)

    first = client.post(
        url, {"course": course(PREA).pk, "completed_on": day.isoformat(), "hours": "1.5"}
    )
    second = client.post(
        url, {"course": course(FACILITY_ORIENTATION).pk, "completed_on": day.isoformat()}
    )

    assert (first.status_code, second.status_code) == (302, 302)
    prea, orientation = TrainingCompletion.objects.filter(person=grant.person).order_by("pk")
    assert (prea.course.code, prea.completed_on, prea.hours, prea.recorded_by) == (
        PREA,
        day,
        Decimal("1.5"),
        iac,
    )
    assert prea.facility is None  # PREA counts everywhere
    # Left empty, the hours are the course's; a facility orientation is this facility's.
    assert (orientation.hours, orientation.facility) == (Decimal("2"), facility)
    page = client.get(reverse("volunteers:access", args=[facility.code, grant.pk])).content.decode()
    assert NO_VOLUNTEER_ORIENTATION in page
    assert NO_PREA not in page


def test_a_future_completion_is_refused_and_what_was_typed_kept(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(iac)
    tomorrow = (age.today() + timedelta(days=1)).isoformat()

    response = client.post(
        reverse("volunteers:access_completion", args=[facility.code, grant.pk]),
        {"course": course(PREA).pk, "completed_on": tomorrow, "hours": "2.75"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This date is in the future." in page
    assert "That could not be done" in page
    assert f'value="{tomorrow}"' in page
    assert 'value="2.75"' in page
    assert not TrainingCompletion.objects.filter(person=grant.person).exists()


def test_the_service_refuses_a_future_completion_too(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)

    with pytest.raises(VolunteerError, match="future"):
        activation.record_completion(
            person=grant.person,
            course=course(PREA),
            completed_on=age.today() + timedelta(days=1),
            by=iac,
        )


def test_a_tb_test_is_valid_for_the_program_months(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    day = age.today() - timedelta(days=40)
    assert ProgramSettings.load().tb_validity_months == 12

    test = tb_test(grant, by=iac, tested_on=day, result="negative")
    assert test.valid_until == add_months(day, 12)

    settings = ProgramSettings.load()
    settings.tb_validity_months = 6
    settings.save()
    assert tb_test(grant, by=iac, tested_on=day, result="negative").valid_until == add_months(
        day, 6
    )


def test_a_tb_test_through_the_grant_page(client: Client, facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    client.force_login(iac)
    url = reverse("volunteers:access_tb_test", args=[facility.code, grant.pk])
    day = age.today() - timedelta(days=2)

    response = client.post(url, {"tested_on": day.isoformat(), "result": "negative"})

    assert response.status_code == 302
    test = TBTest.objects.get(person=grant.person)
    assert (test.tested_on, test.valid_until, test.recorded_by) == (
        day,
        add_months(day, 12),
        iac,
    )

    future = (age.today() + timedelta(days=1)).isoformat()
    refused = client.post(url, {"tested_on": future, "result": "negative"})
    assert refused.status_code == 200
    assert "This date is in the future." in refused.content.decode()
    assert TBTest.objects.filter(person=grant.person).count() == 1


# The annual in-service ---------------------------------------------------------------------


def in_service(grant: FacilityAccess, on) -> object:
    (item,) = [i for i in items_for(grant, on) if i.key == IN_SERVICE]
    return item


def test_the_annual_in_service_needs_6_hours_in_a_rolling_12_months(
    facility: Facility, iac: User
) -> None:
    today = age.today()
    grant = grant_at(facility, by=iac)
    year_ago = add_months(today, -12)

    def hours(amount: str, on) -> None:
        activation.record_completion(
            person=grant.person,
            course=course(IN_SERVICE),
            completed_on=on,
            by=iac,
            hours=Decimal(amount),
        )

    hours("4", year_ago - timedelta(days=1))  # older than 12 months: does not count
    hours("3", year_ago + timedelta(days=1))
    hours("2", today - timedelta(days=10))
    item = in_service(grant, today)
    assert (item.done, item.hours, item.hours_required) == (False, Decimal(5), Decimal(6))

    hours("1", today)
    item = in_service(grant, today)
    assert (item.done, item.hours) == (True, Decimal(6))

    # Rolling: two days on, the three hours from a year ago have dropped out.
    later = in_service(grant, today + timedelta(days=2))
    assert (later.done, later.hours) == (False, Decimal(3))


def test_the_annual_in_service_is_no_activation_condition(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)

    assert in_service(grant, age.today()).done is False
    assert activation_problems(grant, age.today()) == []
    assert activation.activate_access(grant=grant, by=iac).status == AccessStatus.ACTIVE


def test_events_are_appended_never_rewritten(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)

    assert list(
        AccessEvent.objects.filter(access=grant).values_list("from_status", "to_status")
    ) == [
        ("", AccessStatus.PENDING_ACTIVATION),
        (AccessStatus.PENDING_ACTIVATION, AccessStatus.ACTIVE),
    ]
