"""Each grant's compliance dates (volunteers.compliance_dates), which the compliance report
compares instead of searching every person's records: every writer keeps them, they agree
with the person's own items (volunteers.compliance.items_for), and a whole refresh puts
right a grant whose records changed behind the writers' backs."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from accounts.models import User
from applications import age
from facilities.models import Facility
from tests.volunteers.activation_helpers import PREA, course, grant_at, tb_test
from volunteers import activation, compliance_dates
from volunteers.agreements import unsigned_current
from volunteers.compliance import add_months, items_for
from volunteers.models import (
    AgreementVersion,
    Course,
    FacilityAccess,
    TBTest,
    TrainingCompletion,
    UnsignedAgreement,
)
from volunteers.services import move_standing
from volunteers.services.agreements import publish_version, sign_agreement

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
    assert unsigned_of(holder) == {conduct.pk}

    coming = publish("prea", today + timedelta(days=20))  # asked of every holder already
    newer = publish("code_of_conduct", today)  # supersedes the first from today
    assert unsigned_of(holder) == {coming.pk, newer.pk}

    sign_agreement(
        person=holder.person, version=newer, signed_name="J", by="tests", ip_address=None
    )
    assert unsigned_of(holder) == {coming.pk}
    # In step with the portal's own list of what is left to sign (nothing in effect).
    assert unsigned_current(holder.person, today) == []
    assert not UnsignedAgreement.objects.exclude(person=holder.person).exists()
