"""Each grant's compliance dates (volunteers.compliance_dates), which the compliance report
compares instead of searching every person's records: every writer keeps them, they agree
with the person's own items (volunteers.compliance.items_for), and a whole refresh puts
right a grant whose records changed behind the writers' backs."""

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import RequestFactory

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from facilities.models import Facility
from tests.volunteers.activation_helpers import PREA, active_grant, course, grant_at, tb_test
from volunteers import activation, compliance_dates
from volunteers.agreements import unsigned_current
from volunteers.compliance import add_months, items_for
from volunteers.models import (
    AccessStatus,
    AgreementVersion,
    Course,
    FacilityAccess,
    TBTest,
    TrainingCompletion,
    UnsignedAgreement,
)
from volunteers.services import move_standing, suspend_access
from volunteers.services.agreements import (
    publish_version,
    record_paper_signature,
    sign_agreement,
)

pytestmark = pytest.mark.django_db


def dates(grant: FacilityAccess) -> tuple[date | None, bool, date | None]:
    grant.refresh_from_db()
    return grant.trainings_expire_on, grant.training_missing, grant.tb_clear_until


def done(grant: FacilityAccess, code: str, on: date, by: User, at: Facility | None = None) -> None:
    activation.record_completion(
        person=grant.person, course=course(code), completed_on=on, by=by, facility=at
    )


def test_a_new_grants_trainings_are_missing_until_recorded(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    assert dates(grant) == (None, True, None)

    day = age.today() - timedelta(days=40)
    done(grant, PREA, day, iac)

    assert dates(grant) == (add_months(day, 12), False, None)


def test_the_first_training_to_expire_and_the_grants_own_facility_count(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    local = Course.objects.create(
        code="t-local-renewed", name="Local renewal", validity_months=24, per_facility=True
    )
    grant = grant_at(facility, by=iac)
    prea_day = age.today() - timedelta(days=10)
    local_day = age.today() - timedelta(days=700)
    done(grant, PREA, prea_day, iac)
    done(grant, local.code, age.today(), iac, at=other_facility)  # elsewhere: not here
    assert dates(grant)[1] is True

    done(grant, local.code, local_day, iac, at=facility)

    assert dates(grant)[:2] == (add_months(local_day, 24), False)


def test_the_latest_tb_test_decides(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    first = tb_test(grant, by=iac, tested_on=age.today() - timedelta(days=90), result="negative")
    assert dates(grant)[2] == first.valid_until

    tb_test(grant, by=iac, tested_on=age.today() - timedelta(days=5), result="positive")
    assert dates(grant)[2] is None  # the older clear test does not count

    cleared = tb_test(grant, by=iac, tested_on=age.today(), result="positive_cleared")
    assert dates(grant)[2] == cleared.valid_until


def test_a_merge_gives_the_kept_persons_grants_the_merged_persons_records(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    keep = grant_at(facility, by=iac)
    merged = grant_at(other_facility, by=iac)
    day = age.today() - timedelta(days=3)
    done(merged, PREA, day, iac)
    tb_test(merged, by=iac, tested_on=day, result="negative")
    assert dates(keep) == (None, True, None)

    move_standing(keep=keep.person, merge=merged.person)

    test = TBTest.objects.get()
    assert dates(keep) == (add_months(day, 12), False, test.valid_until)
    assert dates(merged) == (add_months(day, 12), False, test.valid_until)


def test_a_course_saved_in_the_admin_moves_every_grants_dates(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = grant_at(facility, by=iac)
    day = age.today() - timedelta(days=20)
    done(grant, PREA, day, iac)
    prea = course(PREA)
    prea.validity_months = 24

    request = RequestFactory().post("/admin/")
    request.user = pic_coordinator
    site._registry[Course].save_model(request, prea, form=None, change=True)

    assert dates(grant)[0] == add_months(day, 24)


def test_a_whole_refresh_puts_right_what_changed_past_the_writers(
    facility: Facility, iac: User
) -> None:
    grant = grant_at(facility, by=iac)
    done(grant, PREA, age.today(), iac)
    assert compliance_dates.refresh() == 0

    TrainingCompletion.objects.all().delete()  # a fix by hand in the database

    assert compliance_dates.refresh() == 1
    assert dates(grant) == (None, True, None)


def test_the_dates_agree_with_the_persons_own_items(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    """The stored dates against items_for (the portal's and roster's reading) over grants
    in every state: the report's lapsed and expiring are the person page's."""
    Course.objects.create(
        code="t-local-renewed", name="Local renewal", validity_months=24, per_facility=True
    )
    Course.objects.create(
        code="t-interns", name="Interns only", validity_months=6, kinds=["student_intern"]
    )
    today = age.today()
    grants = [grant_at(facility, by=iac) for _ in range(4)] + [grant_at(other_facility, by=iac)]
    done(grants[0], PREA, today - timedelta(days=400), iac)
    done(grants[1], PREA, today, iac)
    done(grants[1], "t-local-renewed", today - timedelta(days=30), iac, at=facility)
    done(grants[2], "t-local-renewed", today, iac, at=other_facility)
    tb_test(grants[0], by=iac, tested_on=today - timedelta(days=400), result="negative")
    tb_test(grants[1], by=iac, tested_on=today, result="negative")
    tb_test(grants[2], by=iac, tested_on=today, result="positive")

    courses = [
        c
        for c in Course.objects.filter(is_active=True)
        if c.validity_months is not None and c.annual_hours_required is None
    ]
    for grant in grants:
        trainings_expire_on, missing, tb_clear_until = dates(grant)
        tracked = [i for i in items_for(grant, today) if i.key in {c.code for c in courses}]
        assert missing == any(not i.done for i in tracked)
        assert trainings_expire_on == min(
            (i.expires_on for i in tracked if i.expires_on), default=None
        )
        tests = list(grant.person.tb_tests.all())
        latest = max(tests, key=lambda t: (t.tested_on, t.pk), default=None)
        assert tb_clear_until == (latest.valid_until if latest and latest.is_clear else None)


def unsigned_of(grant: FacilityAccess) -> set[int]:
    return set(
        UnsignedAgreement.objects.filter(person=grant.person).values_list("version", flat=True)
    )


def publish(kind: str, effective_on: date) -> AgreementVersion:
    return publish_version(
        by="tests", kind=kind, title=kind, text_en=f"{kind} text.", effective_on=effective_on
    )


def test_unsigned_rows_follow_publishing_and_signing(facility: Facility, iac: User) -> None:
    today = age.today()
    conduct = publish("code_of_conduct", today - timedelta(days=3))
    holder = grant_at(facility, by=iac)  # after the first version: asked at its creation
    other = grant_at(facility, by=iac)
    assert unsigned_of(holder) == unsigned_of(other) == {conduct.pk}

    coming = publish("prea", today + timedelta(days=20))  # asked of every holder already
    newer = publish("code_of_conduct", today)  # supersedes the first from today
    assert unsigned_of(holder) == unsigned_of(other) == {coming.pk, newer.pk}

    sign_agreement(
        person=holder.person, version=newer, signed_name="J", by="tests", ip_address=None
    )
    record_paper_signature(
        person=other.person,
        version=coming,
        signed_name="K",
        signed_on=today,
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed paper", "application/pdf"),
        by=iac,
        facility=facility,
    )
    assert unsigned_of(holder) == {coming.pk}
    assert unsigned_of(other) == {newer.pk}
    # In step with the portal's own list of what is left to sign in effect today.
    assert unsigned_current(holder.person, today) == []
    assert [v.pk for v in unsigned_current(other.person, today)] == [newer.pk]


def test_a_second_grant_reads_the_persons_records_at_creation(
    facility: Facility, other_facility: Facility, iac: User, other_iac: User
) -> None:
    first = grant_at(facility, by=iac)
    day = age.today() - timedelta(days=8)
    done(first, PREA, day, iac)
    tb_test(first, by=iac, tested_on=day, result="negative")

    second = grant_at(other_facility, by=other_iac, person=first.person)

    assert dates(second) == dates(first) == (add_months(day, 12), False, add_months(day, 12))


def test_a_course_for_some_levels_or_retired_in_the_admin(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    no_contact = grant_at(facility, by=iac, level=AccessLevel.NO_CONTACT)
    contact = grant_at(facility, by=iac, level=AccessLevel.CONTACT)
    for grant in (no_contact, contact):
        done(grant, PREA, age.today(), iac)
    admin = site._registry[Course]
    request = RequestFactory().post("/admin/")
    request.user = pic_coordinator
    searches = Course.objects.create(
        code="t-searches", name="Searches", validity_months=12, levels=[AccessLevel.CONTACT]
    )
    admin.save_model(request, searches, form=None, change=False)
    assert dates(no_contact)[1] is False
    assert dates(contact)[1] is True  # applies to contact only, and never done

    searches.is_active = False
    admin.save_model(request, searches, form=None, change=True)
    assert dates(contact)[1] is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers and has no row locks: the race needs PostgreSQL",
)
def test_writers_at_once_for_one_person_each_see_the_others_record(
    facility: Facility, iac: User
) -> None:
    """A completion, a TB test and a signature recorded at the same moment for one person:
    each refresh waits for the others (the person is locked first), so the grant ends up
    with all three, and nothing deadlocks against the coordinator suspending the grant."""
    Course.objects.create(code="t-second", name="Second renewed", validity_months=12)
    grant = active_grant(facility, by=iac)
    version = publish("code_of_conduct", age.today())
    today = age.today()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def at_once(write: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait(timeout=10)
                write()
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)
            finally:
                connections.close_all()

        return run

    writers = [
        lambda: done(grant, "t-second", today, iac),
        lambda: tb_test(grant, by=iac, tested_on=today, result="negative"),
        lambda: sign_agreement(
            person=grant.person, version=version, signed_name="J", by="tests", ip_address=None
        ),
        lambda: suspend_access(grant=grant, by=iac, reason="Review.", review_on=None),
    ]
    threads = [threading.Thread(target=at_once(write)) for write in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert dates(grant) == (add_months(today, 12), False, add_months(today, 12))
    assert unsigned_of(grant) == set()
    assert FacilityAccess.objects.get(pk=grant.pk).status == AccessStatus.SUSPENDED
