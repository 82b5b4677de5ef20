"""The approval gate (DESIGN rule 3, first gate): each condition, and exactly what is missing."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import Application, EventKind, Status
from applications.services import IllegalMove
from audit.models import AuditEvent
from facilities.models import Facility
from screening import services
from screening.models import ScreeningStep, StepKind, StepState
from screening.services import GateClosed, ScreeningError, approval_problems
from tests.screening.helpers import (
    approved,
    in_review,
    mails_to,
    make_application,
    messages_of,
    page,
    pass_all_steps,
    ready_for_approval,
)
from volunteers.models import AccessEvent, AccessStatus, FacilityAccess

pytestmark = pytest.mark.django_db

NOT_PASSED = [
    "Completeness review is not passed or waived.",
    "Background check is not passed or waived.",
    "Interview is not passed or waived.",
]
BACKGROUND_REFUSAL = (
    "A background check passes only when every current check on it is cleared (a check "
    "superseded by a re-run or voided no longer counts), and at least one is."
)


def step(application: Application, kind: str) -> ScreeningStep:
    return application.screening_steps.get(step_kind=kind)


def assert_refused(application: Application, by: User, missing: list[str]) -> None:
    """approval_problems lists exactly `missing`, and approving raises them, changing nothing."""
    assert approval_problems(application) == missing
    with pytest.raises(GateClosed) as refused:
        services.approve_application(application=application, by=by, level="no_contact")
    assert refused.value.missing == missing
    for item in missing:
        assert item in str(refused.value)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not FacilityAccess.objects.filter(application=application).exists()


def test_steps_not_passed_are_listed(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)

    assert_refused(application, iac, NOT_PASSED)


def test_every_step_passed_opens_the_gate(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)

    assert approval_problems(application) == []


def test_review_must_have_started(facility: Facility, iac: User) -> None:
    application = make_application(facility)

    assert approval_problems(application) == [
        "The application must be in review.",
        "Review has not started: no screening steps yet.",
    ]
    with pytest.raises(IllegalMove):
        services.approve_application(application=application, by=iac, level="no_contact")


def test_a_failed_step_blocks_until_recorded_again(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)
    interview = step(application, StepKind.INTERVIEW)

    services.record_step(step=interview, by=iac, state=StepState.FAILED, note="No show.")
    assert_refused(application, iac, ["Interview failed: record it again."])

    services.record_step(step=interview, by=iac, state=StepState.PASSED)
    assert approval_problems(application) == []


def test_a_waived_step_counts_with_its_reason(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    pass_all_steps(application, by=iac)
    interview = step(application, StepKind.INTERVIEW)
    services.record_step(step=interview, by=iac, state=StepState.PENDING)
    assert approval_problems(application) == ["Interview is not passed or waived."]

    with pytest.raises(ScreeningError, match=re.escape("Give the reason for waiving this step.")):
        services.waive_step(step=interview, by=iac, reason="   ")
    interview.refresh_from_db()
    assert interview.state == StepState.PENDING

    services.waive_step(step=interview, by=iac, reason="Known to the chaplain for ten years.")
    interview.refresh_from_db()
    assert interview.state == StepState.WAIVED
    assert interview.waive_reason == "Known to the chaplain for ten years."
    assert approval_problems(application) == []
    assert AuditEvent.objects.filter(action="screening.step_waived").count() == 1


def test_a_failed_step_can_be_waived(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)
    interview = step(application, StepKind.INTERVIEW)
    services.record_step(step=interview, by=iac, state=StepState.FAILED)

    services.waive_step(step=interview, by=iac, reason="Interviewed again by the warden.")

    assert approval_problems(application) == []


def test_background_check_without_checks_cannot_pass(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    background = step(application, StepKind.BACKGROUND_CHECK)

    with pytest.raises(ScreeningError, match=re.escape(BACKGROUND_REFUSAL)):
        services.record_step(step=background, by=iac, state=StepState.PASSED)
    background.refresh_from_db()
    assert background.state == StepState.PENDING


@pytest.mark.parametrize("outcome", ["needs_review", "not_cleared"])
def test_background_check_passes_only_when_every_check_is_cleared(
    facility: Facility, iac: User, outcome: str
) -> None:
    application = in_review(facility, by=iac)
    background = step(application, StepKind.BACKGROUND_CHECK)
    today = age.today()
    services.add_background_check(
        step=background,
        by=iac,
        performed_by="MSHP",
        check_type="mules",
        run_on=today,
        outcome="cleared",
    )
    services.add_background_check(
        step=background,
        by=iac,
        performed_by="MSHP",
        check_type="ncic",
        run_on=today,
        outcome=outcome,
    )

    with pytest.raises(ScreeningError, match=re.escape(BACKGROUND_REFUSAL)):
        services.record_step(step=background, by=iac, state=StepState.PASSED)
    background.refresh_from_db()
    assert background.state == StepState.PENDING
    assert "Background check is not passed or waived." in approval_problems(application)


def test_a_check_not_cleared_puts_a_passed_background_step_back(
    facility: Facility, iac: User
) -> None:
    application = ready_for_approval(facility, by=iac)
    background = step(application, StepKind.BACKGROUND_CHECK)

    services.add_background_check(
        step=background,
        by=iac,
        performed_by="MSHP",
        check_type="fingerprint",
        run_on=age.today(),
        outcome="needs_review",
    )

    background.refresh_from_db()
    assert background.state == StepState.PENDING
    assert_refused(application, iac, ["Background check is not passed or waived."])


def test_the_view_shows_the_background_refusal(client, facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    background = step(application, StepKind.BACKGROUND_CHECK)
    prefix = f"step-{background.pk}"
    client.force_login(iac)

    response = client.post(
        reverse("staff:record_step", args=[application.reference, background.pk]),
        {f"{prefix}-state": "passed", f"{prefix}-occurred_on": age.today().isoformat()},
    )

    assert response.status_code == 200
    assert BACKGROUND_REFUSAL in page(response)


def test_under_18_on_the_approval_date_is_refused(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)
    person = application.person
    today = age.today()
    # Submitted as an adult; the date of birth was corrected afterwards.
    person.date_of_birth = date(today.year - 17, 1, 1)
    person.save()

    assert_refused(application, iac, ["The applicant is not 18 yet."])


def test_age_is_taken_on_the_approval_date(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac)
    person = application.person
    today = age.today()
    eighteenth = today + timedelta(days=1)
    person.date_of_birth = date(eighteenth.year - 18, eighteenth.month, eighteenth.day)
    person.save()

    assert approval_problems(application, on=today) == ["The applicant is not 18 yet."]
    assert approval_problems(application, on=eighteenth) == []


def test_a_statewide_ban_is_refused(facility: Facility, iac: User, pic_coordinator: User) -> None:
    application = ready_for_approval(facility, by=iac)
    services.ban_person(person=application.person, by=pic_coordinator, reason="Contraband.")

    assert_refused(application, iac, ["The applicant is under a statewide ban."])


def test_an_unresolved_relationship_conflict_is_refused_until_resolved(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    relations = [
        {"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)},
        {"name": "Lee Roe", "relationship": "friend", "facility": str(other_facility.pk)},
        {"name": "Kim Poe", "relationship": "cousin", "facility": ""},
    ]
    application = ready_for_approval(facility, by=iac, relations=relations)
    assert application.flag_relationship_conflict
    conflict = application.relationships.get(name="Sam Doe")

    # Only the relation at the requested facility is a conflict.
    assert_refused(application, iac, ["Relationship conflict not resolved: Sam Doe (brother)."])

    with pytest.raises(ScreeningError):
        services.resolve_conflict(relationship=conflict, by=iac, note=" ")
    services.resolve_conflict(
        relationship=conflict, by=iac, note="Brother is housed in another wing; no contact."
    )

    assert approval_problems(application) == []
    assert application.events.filter(kind=EventKind.CONFLICT_RESOLVED).count() == 1


def test_a_relationship_at_another_facility_is_no_conflict(
    facility: Facility, other_facility: Facility, iac: User
) -> None:
    relations = [{"name": "Lee Roe", "relationship": "friend", "facility": str(other_facility.pk)}]
    application = ready_for_approval(facility, by=iac, relations=relations)

    assert not application.flag_relationship_conflict
    assert approval_problems(application) == []


def test_another_live_grant_at_the_facility_is_refused(
    client, facility: Facility, iac: User
) -> None:
    first, grant = approved(facility, by=iac)
    assert grant.status == AccessStatus.PENDING_ACTIVATION
    # The first application is decided, so a new one of the same kind may be made.
    second = ready_for_approval(facility, by=iac, person=first.person)
    message = "The applicant already holds access at this facility: renew or change it."

    assert_refused(second, iac, [message])

    client.force_login(iac)
    response = client.post(reverse("staff:approve", args=[second.reference]), {"level": "contact"})
    assert response.status_code == 200
    assert message in page(response)
    assert "That could not be done: see the form marked below." in messages_of(response)
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW


def test_an_ended_grant_does_not_block_a_new_approval(facility: Facility, iac: User) -> None:
    first, grant = approved(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(status=AccessStatus.ENDED)
    second = ready_for_approval(facility, by=iac, person=first.person)

    new_grant = services.approve_application(application=second, by=iac, level="no_contact")

    assert new_grant.pk != grant.pk
    assert FacilityAccess.objects.filter(person=first.person).count() == 2


def test_level_granted_is_never_more_than_requested(client, facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac, level="no_contact")

    with pytest.raises(
        ScreeningError,
        match=re.escape("The level granted cannot be more than the level requested."),
    ):
        services.approve_application(application=application, by=iac, level="contact")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW

    client.force_login(iac)
    response = client.post(
        reverse("staff:approve", args=[application.reference]), {"level": "contact"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in page(response)
    assert not FacilityAccess.objects.filter(application=application).exists()


def test_contact_requested_may_be_granted_no_contact(facility: Facility, iac: User) -> None:
    application = ready_for_approval(facility, by=iac, level="contact")

    grant = services.approve_application(application=application, by=iac, level="no_contact")

    assert grant.level_approved == "no_contact"


def test_approval_creates_the_pending_grant_and_mails_the_applicant(
    facility: Facility, iac: User, django_capture_on_commit_callbacks
) -> None:
    application = ready_for_approval(facility, by=iac, level="contact")

    with django_capture_on_commit_callbacks(execute=True):
        grant = services.approve_application(
            application=application, by=iac, level="contact", note="Welcome."
        )

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert application.decided_at is not None
    assert (grant.person, grant.facility, grant.application) == (
        application.person,
        facility,
        application,
    )
    assert grant.status == AccessStatus.PENDING_ACTIVATION
    assert grant.level_approved == "contact"
    assert grant.kind == application.kind
    assert grant.badge_number is None
    event = AccessEvent.objects.get(access=grant)
    assert (event.from_status, event.to_status, event.actor) == (
        "",
        AccessStatus.PENDING_ACTIVATION,
        iac,
    )
    assert application.reference in event.text
    move = application.events.get(kind=EventKind.STATUS, to_status=Status.APPROVED)
    assert move.from_status == Status.IN_REVIEW
    assert AuditEvent.objects.filter(action="screening.application_approved").count() == 1
    sent = mails_to(application.person.email)
    assert [m.subject for m in sent] == [f"Application {application.reference} approved"]
