"""Every decision reaches the security audit log: one test per decision kind.

DESIGN: "One security audit log (sign-ins, decisions, reveals, downloads, permission
changes)". Each test makes the decision through its service and asserts the row: the
action, who, the target and the facility copied as values.
"""

import pytest

from accounts.models import User
from applications.models import PossibleDuplicate
from audit.models import AuditEvent
from facilities.models import Facility
from screening import services
from screening.models import StepKind
from tests.screening.helpers import (
    in_review,
    make_application,
    new_person,
    ready_for_approval,
    unique_ssn,
)
from tests.volunteers.activation_helpers import active_grant, complete, grant_at
from volunteers import activation

pytestmark = pytest.mark.django_db


def audit_row(action: str, by: User) -> AuditEvent:
    row = AuditEvent.objects.get(action=action)
    assert row.actor_id == str(by.pk)
    return row


def test_approve_is_audited(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)

    services.approve_application(application=application, by=iac, level="no_contact")

    row = audit_row("screening.application_approved", iac)
    assert (row.target_id, row.facility_code) == (str(application.pk), facility.code)
    assert row.details == {"level": "no_contact"}


def test_decline_is_audited(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)

    services.decline_application(application=application, by=iac, reason="incomplete")

    row = audit_row("screening.application_declined", iac)
    assert (row.target_id, row.facility_code) == (str(application.pk), facility.code)
    assert row.details == {"reason": "incomplete"}


def test_waive_is_audited(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    step = application.screening_steps.get(step_kind=StepKind.INTERVIEW)

    services.waive_step(step=step, by=iac, reason="Known to the chaplain for years.")

    row = audit_row("screening.step_waived", iac)
    assert (row.target_id, row.facility_code) == (str(application.pk), facility.code)
    assert row.details == {"step": StepKind.INTERVIEW}


def test_resolving_a_conflict_is_audited(facility: Facility, iac: User) -> None:
    relations = [{"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)}]
    application = in_review(facility, by=iac, relations=relations)
    conflict = application.relationships.get(name="Sam Doe")

    services.resolve_conflict(relationship=conflict, by=iac, note="Housed in another wing.")

    row = audit_row("screening.conflict_resolved", iac)
    assert (row.target_id, row.facility_code) == (str(application.pk), facility.code)
    assert row.details == {"relationship": conflict.pk}


def test_a_refused_conflict_resolution_writes_no_audit_row(facility: Facility, iac: User) -> None:
    relations = [{"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)}]
    application = in_review(facility, by=iac, relations=relations)

    with pytest.raises(services.ScreeningError):
        services.resolve_conflict(relationship=application.relationships.get(), by=iac, note="  ")

    assert not AuditEvent.objects.filter(action="screening.conflict_resolved").exists()


def test_activation_is_audited(facility: Facility, iac: User) -> None:
    grant = grant_at(facility, by=iac)
    complete(grant, by=iac)

    activation.activate_access(grant=grant, by=iac)

    row = audit_row("screening.access_activated", iac)
    assert (row.target_id, row.facility_code) == (str(grant.pk), facility.code)


def test_the_contact_upgrade_is_audited(facility: Facility, iac: User) -> None:
    from datetime import timedelta

    from applications import age
    from tests.volunteers.activation_helpers import born_turning, not_leap_day

    today = not_leap_day(age.today())
    # 19 today, activated at 18 a month ago: activated as no contact, upgradable now.
    grant = active_grant(
        facility,
        by=iac,
        on=today - timedelta(days=30),
        born=born_turning(19, today),
    )

    activation.upgrade_to_contact(grant=grant, by=iac, on=today)

    row = audit_row("screening.contact_upgraded", iac)
    assert (row.target_id, row.facility_code) == (str(grant.pk), facility.code)


def test_a_ban_and_lifting_it_are_audited(pic_coordinator: User) -> None:
    person = new_person()

    ban = services.ban_person(person=person, by=pic_coordinator, reason="Contraband.")
    services.lift_ban(ban=ban, by=pic_coordinator, reason="Appeal granted.")

    banned = audit_row("screening.person_banned", pic_coordinator)
    lifted = audit_row("screening.ban_lifted", pic_coordinator)
    assert banned.target_id == lifted.target_id == str(person.pk)
    assert (banned.details, lifted.details) == (
        {"reason": "Contraband."},
        {"reason": "Appeal granted."},
    )


def test_dismissing_a_duplicate_flag_is_audited(
    facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    make_application(facility, ssn=ssn)
    make_application(other_facility, person=new_person(online=False), ssn=ssn)

    services.dismiss_duplicate(flag=PossibleDuplicate.objects.get(), by=pic_coordinator)

    assert audit_row("screening.duplicate_dismissed", pic_coordinator)


def test_merging_people_is_audited(
    facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    ssn = unique_ssn()
    keep = make_application(facility, ssn=ssn).person
    merge = make_application(other_facility, person=new_person(online=False), ssn=ssn).person

    services.merge_people(keep=keep, merge=merge, by=pic_coordinator)

    assert audit_row("screening.people_merged", pic_coordinator).target_id == str(keep.pk)
