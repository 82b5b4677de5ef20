"""Possible duplicates, end to end: flagged at submission, merged or dismissed by the PIC
Coordinator, never merged silently."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import age
from applications.models import Application, DuplicateReason, Person, PossibleDuplicate
from audit.models import AuditEvent
from facilities.models import Facility
from screening import services
from screening.services import ScreeningError, merge_problems
from tests.screening.helpers import (
    approved,
    make_application,
    messages_of,
    new_person,
    page,
    queue_references,
    unique_ssn,
)
from volunteers import activation
from volunteers.models import Ban, Course, Enrollment, FacilityAccess, TBTest, TrainingCompletion

pytestmark = pytest.mark.django_db

SAME_APPLICATION = "Both hold a live application of the same kind at the same facility."
SAME_GRANT = "Both hold live access at the same facility."


def paper_person(last: str | None = None) -> Person:
    return new_person(online=False, first="Jordan", last=last)


def test_same_ssn_is_flagged_at_submission(facility: Facility, other_facility: Facility) -> None:
    ssn = unique_ssn()
    online = make_application(facility, ssn=ssn)
    assert not PossibleDuplicate.objects.exists()

    paper = make_application(other_facility, person=paper_person(), ssn=ssn, born=date(1990, 1, 2))

    flag = PossibleDuplicate.objects.get()
    assert {flag.person, flag.other} == {online.person, paper.person}
    assert flag.reason == DuplicateReason.SSN
    assert flag.dismissed_at is None


def test_same_name_and_birth_is_flagged_when_no_identifier_contradicts(
    facility: Facility, other_facility: Facility
) -> None:
    online = make_application(facility, born=date(1975, 8, 9))
    twin = paper_person(last=online.person.last_name)

    make_application(other_facility, person=twin, ssn="", born=date(1975, 8, 9))

    flag = PossibleDuplicate.objects.get()
    assert {flag.person, flag.other} == {online.person, twin}
    assert flag.reason == DuplicateReason.NAME_AND_BIRTH


def test_same_name_and_birth_with_different_ssns_is_not_flagged(
    facility: Facility, other_facility: Facility
) -> None:
    online = make_application(facility, born=date(1975, 8, 9), ssn=unique_ssn())
    namesake = paper_person(last=online.person.last_name)

    make_application(other_facility, person=namesake, ssn=unique_ssn(), born=date(1975, 8, 9))

    assert namesake.last_name == online.person.last_name
    assert not PossibleDuplicate.objects.exists()


def test_merge_end_to_end(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    ssn = unique_ssn()
    keep_application = make_application(facility, ssn=ssn)
    keep = keep_application.person
    # The same human, keyed in from paper at the other facility and approved there.
    merged_application, grant = approved(
        other_facility, by=other_iac, person=paper_person(), ssn=ssn, born=date(1980, 5, 17)
    )
    merge = merged_application.person
    flag = PossibleDuplicate.objects.get()
    merged_id = str(merge.public_id)
    client.force_login(pic_coordinator)
    person_page = page(client.get(reverse("staff:person", args=[keep.public_id])))
    assert "Same Social Security number" in person_page
    assert reverse("staff:merge", args=[keep.public_id, flag.pk]) in person_page
    assert queue_references(client, flags="duplicate") == [keep_application.reference]

    response = client.post(reverse("staff:merge", args=[keep.public_id, flag.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:person", args=[keep.public_id])
    assert "The two records are now one." in messages_of(client.get(response["Location"]))
    assert not Person.objects.filter(pk=merge.pk).exists()
    assert set(Application.objects.filter(person=keep)) == {keep_application, merged_application}
    grant.refresh_from_db()
    assert grant.person == keep
    assert not PossibleDuplicate.objects.exists()
    keep.refresh_from_db()
    assert keep.user is not None  # the kept login stays
    audit = AuditEvent.objects.get(action="screening.people_merged")
    assert audit.actor_id == str(pic_coordinator.pk)
    assert audit.target_id == str(keep.pk)
    assert audit.details["merged"] == merged_id
    assert audit.details["applications"] == [merged_application.reference]
    # Both applications record the merge in their logs.
    for application in (keep_application, merged_application):
        assert application.events.filter(text__startswith="People merged:").count() == 1
    html = page(client.get(reverse("staff:person", args=[keep.public_id])))
    assert merged_application.reference in html
    assert keep_application.reference in html


def test_the_merged_persons_ban_moves_to_the_kept_person(
    facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    merge = make_application(other_facility, person=paper_person(), ssn=ssn).person
    services.ban_person(person=merge, by=pic_coordinator, reason="Contraband.")

    services.merge_people(keep=keep, merge=merge, by=pic_coordinator)

    assert services.standing_ban(keep) is not None
    assert Ban.objects.get().person == keep


def test_merge_refused_while_both_hold_a_live_application_there(
    client: Client, facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    merge = make_application(facility, person=paper_person(), ssn=ssn).person
    flag = PossibleDuplicate.objects.get()

    assert merge_problems(keep, merge) == [SAME_APPLICATION]
    with pytest.raises(ScreeningError, match=re.escape(SAME_APPLICATION)):
        services.merge_people(keep=keep, merge=merge, by=pic_coordinator)

    client.force_login(pic_coordinator)
    response = client.post(reverse("staff:merge", args=[keep.public_id, flag.pk]), follow=True)
    assert SAME_APPLICATION in messages_of(response)
    assert Person.objects.filter(pk=merge.pk).exists()
    assert not AuditEvent.objects.filter(action="screening.people_merged").exists()


def test_a_different_kind_at_the_same_facility_does_not_block(
    facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    merge = make_application(
        facility, person=paper_person(), ssn=ssn, kind="reentry_partner"
    ).person

    assert merge_problems(keep, merge) == []


def test_merge_refused_while_both_hold_live_access_there(
    client: Client, facility: Facility, iac: User, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    keep = approved(facility, by=iac, ssn=ssn)[0].person
    merge = approved(facility, by=iac, person=paper_person(), ssn=ssn)[0].person
    flag = PossibleDuplicate.objects.get()

    assert merge_problems(keep, merge) == [SAME_GRANT]
    client.force_login(pic_coordinator)
    response = client.post(reverse("staff:merge", args=[keep.public_id, flag.pk]), follow=True)

    assert SAME_GRANT in messages_of(response)
    assert Person.objects.filter(pk=merge.pk).exists()
    assert FacilityAccess.objects.filter(person=merge).count() == 1


def test_two_logins_are_not_merged_here(facility: Facility, other_facility: Facility) -> None:
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    merge = make_application(other_facility, ssn=ssn).person

    assert merge_problems(keep, merge) == [
        "Both people have their own sign-in; they cannot be merged here."
    ]


def test_dismissing_a_flag(
    client: Client, facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    first = make_application(facility, ssn=ssn)
    second = make_application(other_facility, person=paper_person(), ssn=ssn)
    flag = PossibleDuplicate.objects.get()
    client.force_login(pic_coordinator)

    response = client.post(
        reverse("staff:dismiss_duplicate", args=[second.person.public_id, flag.pk])
    )

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.dismissed_at is not None
    assert flag.dismissed_by == pic_coordinator
    assert PossibleDuplicate.objects.open().count() == 0
    assert Person.objects.filter(pk__in=[first.person.pk, second.person.pk]).count() == 2
    audit = AuditEvent.objects.get(action="screening.duplicate_dismissed")
    assert audit.actor_id == str(pic_coordinator.pk)
    assert queue_references(client, flags="duplicate") == []
    html = page(client.get(reverse("staff:person", args=[first.person.public_id])))
    assert "Not the same person" not in html
    # A dismissed flag cannot be merged on.
    response = client.post(reverse("staff:merge", args=[first.person.public_id, flag.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["iac", "chaplain"])
def test_a_coordinator_cannot_merge_or_dismiss(
    client: Client, facility: Facility, role: str, request: pytest.FixtureRequest
) -> None:
    ssn = unique_ssn()
    first = make_application(facility, ssn=ssn)
    make_application(facility, person=paper_person(), ssn=ssn, kind="reentry_partner")
    flag = PossibleDuplicate.objects.get()
    client.force_login(request.getfixturevalue(role))

    html = page(client.get(reverse("staff:person", args=[first.person.public_id])))
    assert "Possible duplicates" in html
    assert "Not the same person" not in html
    for name in ("staff:merge", "staff:dismiss_duplicate"):
        response = client.post(reverse(name, args=[first.person.public_id, flag.pk]))
        assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.dismissed_at is None
    assert Person.objects.count() == 2


def test_the_merged_persons_trainings_and_tb_tests_move_to_the_kept_person(
    facility: Facility, other_facility: Facility, other_iac: User, pic_coordinator: User
) -> None:
    """Trainings, TB tests and sign-ups hang off the person (DESIGN: Person): a merge keeps
    them, it never deletes them with the merged record."""
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    _application, grant = approved(other_facility, by=other_iac, person=paper_person(), ssn=ssn)
    merge = grant.person
    prea = Course.objects.get(code="prea")
    completion = activation.record_completion(
        person=merge, course=prea, completed_on=age.today(), by=other_iac
    )
    tb_test = activation.record_tb_test(
        person=merge, tested_on=age.today(), result="negative", by=other_iac
    )
    session = activation.schedule_session(
        by=other_iac,
        course=Course.objects.get(code="facility-orientation"),
        facility=other_facility,
        place="Chapel",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        capacity=5,
    )
    enrollment = activation.enrol(session=session, person=merge, by=other_iac)

    services.merge_people(keep=keep, merge=merge, by=pic_coordinator)

    assert TrainingCompletion.objects.get(pk=completion.pk).person == keep
    assert TBTest.objects.get(pk=tb_test.pk).person == keep
    assert Enrollment.objects.get(pk=enrollment.pk).person == keep


def test_a_merge_keeps_the_merged_volunteers_hours_and_signatures(
    facility: Facility,
    other_facility: Facility,
    iac: User,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    """Two records of one active volunteer: hours and signatures are protected from
    deletion, so the merge moves them (it failed before). A version both signed keeps the
    kept person's signature; the other's is described in the merge's audit record."""
    from tests.volunteers.hours_helpers import log, volunteer
    from volunteers.models import AgreementSignature, HourEntry, HourMonth
    from volunteers.services.agreements import publish_version, sign_agreement

    today = age.today()
    both = publish_version(
        by="tests",
        kind="prea",
        title="PREA",
        text_en="PREA text.",
        effective_on=today - timedelta(days=300),
    )
    keep = volunteer(facility, by=iac)  # each activation signs the version in effect
    merged = volunteer(other_facility, by=other_iac, person=paper_person())
    later = publish_version(
        by="tests",
        kind="code_of_conduct",
        title="Conduct",
        text_en="Text.",
        effective_on=age.today(),
    )
    sign_agreement(person=merged.person, version=later, signed_name="J", by="t", ip_address=None)
    entry = log(merged, by=other_iac, approve=True)
    kept_signature = AgreementSignature.objects.get(person=keep.person, version=both)
    moved_signature = AgreementSignature.objects.get(person=merged.person, version=later)

    services.merge_people(keep=keep.person, merge=merged.person, by=pic_coordinator)

    assert HourEntry.objects.get(pk=entry.pk).person == keep.person
    assert set(HourMonth.objects.values_list("person", flat=True)) == {keep.person.pk}
    kept = AgreementSignature.objects.filter(person=keep.person).values_list("pk", flat=True)
    assert set(kept) == {kept_signature.pk, moved_signature.pk}
    details = AuditEvent.objects.get(action="screening.people_merged").details
    assert [d["version"] for d in details["duplicate_signatures"]] == [both.pk]
