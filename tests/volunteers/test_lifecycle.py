"""The access lifecycle after activation (DESIGN: the facility access lifecycle; issue 9 §2):
every move allowed and refused over the whole map, renewal's checks one by one, its dates,
re-checks, level changes, events, audit rows and e-mails."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail

from accounts.models import User
from applications import age
from applications.models import AccessLevel
from audit.models import AuditEvent
from facilities.models import Facility, ProgramSettings
from tests.volunteers.activation_helpers import (
    PREA,
    active_grant,
    born_turning,
    course,
    not_leap_day,
    tb_test,
)
from tests.volunteers.lifecycle_helpers import in_service, in_status, renewable
from volunteers import activation, services
from volunteers.compliance import add_months
from volunteers.errors import GateClosed, VolunteerError
from volunteers.models import (
    ACCESS_TRANSITIONS,
    AccessCheck,
    AccessEventKind,
    AccessStatus,
    AgreementVersion,
    FacilityAccess,
)

pytestmark = pytest.mark.django_db

S = AccessStatus
TODAY = age.today


def _move(grant: FacilityAccess, to: str, by: User) -> FacilityAccess:
    """The service that makes each move of the map, with what it needs."""
    if to == S.SUSPENDED:
        return services.suspend_access(grant=grant, by=by, reason="Under investigation")
    if to == S.ENDED:
        return services.end_access(grant=grant, by=by, exit_note="Moved away", badge_returned=False)
    if to == S.REVOKED:
        return services.revoke_access(grant=grant, by=by, reason="Contraband")
    if to == S.ACTIVE and grant.status == S.SUSPENDED:
        return services.restore_access(grant=grant, by=by)
    if to == S.ACTIVE and grant.status == S.EXPIRED:
        return services.renew_access(grant=grant, by=by)
    if to == S.ACTIVE:
        return activation.activate_access(grant=grant, by=by)
    assert to == S.EXPIRED
    return activation.move_access(grant=grant, to=to, by=by)


def validity() -> int:
    return ProgramSettings.load().access_validity_months


MOVES = [(a, b) for a in S.values for b in (S.SUSPENDED, S.ENDED, S.REVOKED, S.ACTIVE)]


@pytest.mark.parametrize(("start", "to"), MOVES)
def test_every_move_of_the_map_is_allowed_or_refused(
    facility: Facility, iac: User, start: str, to: str
) -> None:
    grant = in_status(facility, start, by=iac)
    if start in (S.PENDING_ACTIVATION, S.EXPIRED):
        # What activation and renewal need is in place, so only the map decides.
        from tests.volunteers.activation_helpers import complete

        complete(grant, by=iac)
        in_service(grant, by=iac)
    allowed = to in ACCESS_TRANSITIONS.get(start, set())
    if allowed:
        moved = _move(grant, to, iac)
        assert moved.status == to
        event = moved.events.last()
        assert event is not None
        assert event.from_status == start
        assert event.to_status == to
    else:
        with pytest.raises(VolunteerError):
            _move(grant, to, iac)
        assert FacilityAccess.objects.get(pk=grant.pk).status == start


def test_suspend_records_reason_review_date_event_audit_and_mail(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    review = TODAY() + timedelta(days=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.suspend_access(grant=grant, by=iac, reason="Late badge", review_on=review)
    assert moved.status == S.SUSPENDED
    assert moved.review_on == review
    event = moved.events.last()
    assert event.kind == AccessEventKind.SUSPENDED
    assert event.text == "Late badge"
    assert event.data == {"review_on": review.isoformat()}
    assert AuditEvent.objects.filter(action="volunteers.access_suspended").count() == 1
    (message,) = mail.outbox
    assert "suspended" in message.subject
    assert review.strftime("%B %-d, %Y") in message.body
    assert "Late badge" not in message.body  # the reason stays with the staff


@pytest.mark.parametrize("reason", ["", "   "])
def test_suspend_needs_a_reason(facility: Facility, iac: User, reason: str) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match="reason"):
        services.suspend_access(grant=grant, by=iac, reason=reason)


def test_suspend_review_date_must_be_later(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match="review date"):
        services.suspend_access(grant=grant, by=iac, reason="x", review_on=TODAY())


def test_restore_checks_the_ban_and_currency(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = active_grant(facility, by=iac)
    services.suspend_access(grant=grant, by=iac, reason="Review")
    services.ban_person(person=grant.person, by=pic_coordinator, reason="Statewide")
    with pytest.raises(GateClosed) as refused:
        services.restore_access(grant=grant, by=iac)
    assert refused.value.missing == ["The person is under a statewide ban."]
    assert FacilityAccess.objects.get(pk=grant.pk).status == S.SUSPENDED


def test_restore_refused_when_prea_lapsed(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac, on=add_months(TODAY(), -13))
    FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=TODAY() + timedelta(days=100))
    tb_test(grant, by=iac, tested_on=TODAY(), result="negative")
    services.suspend_access(grant=grant, by=iac, reason="Review")
    with pytest.raises(GateClosed) as refused:
        services.restore_access(grant=grant, by=iac)
    assert refused.value.missing == ["PREA training has expired."]


def test_restore_makes_active_and_mails(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    services.suspend_access(grant=grant, by=iac, reason="Review", review_on=TODAY() + timedelta(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.restore_access(grant=grant, by=iac)
    assert moved.status == S.ACTIVE
    assert moved.review_on is None
    assert moved.events.last().kind == AccessEventKind.RESTORED
    assert AuditEvent.objects.filter(action="volunteers.access_restored").exists()
    assert "restored" in mail.outbox[0].subject


def test_restore_past_the_expiry_expires_at_once(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    services.suspend_access(grant=grant, by=iac, reason="Review")
    FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=TODAY() - timedelta(days=1))
    moved = services.restore_access(grant=grant, by=iac)
    assert moved.status == S.EXPIRED
    kinds = list(moved.events.values_list("kind", flat=True))[-2:]
    assert kinds == [AccessEventKind.RESTORED, AccessEventKind.EXPIRED]


def test_end_records_exit_note_and_badge(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.end_access(
            grant=grant, by=iac, exit_note="Moved", badge_returned=True, badge_returned_on=TODAY()
        )
    assert (moved.status, moved.exit_note, moved.badge_returned) == (S.ENDED, "Moved", True)
    assert moved.badge_returned_on == TODAY()
    assert moved.events.last().kind == AccessEventKind.ENDED
    assert AuditEvent.objects.filter(action="volunteers.access_ended").exists()
    assert "ended" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"exit_note": "", "badge_returned": False}, "exit note"),
        ({"exit_note": "Left"}, "badge was returned"),
        ({"exit_note": "Left", "badge_returned": True}, "date the badge"),
    ],
)
def test_end_refusals(facility: Facility, iac: User, kwargs: dict[str, Any], message: str) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match=message):
        services.end_access(grant=grant, by=iac, **kwargs)


def test_end_pending_needs_no_badge_answer(facility: Facility, iac: User) -> None:
    grant = in_status(facility, S.PENDING_ACTIVATION, by=iac)
    moved = services.end_access(grant=grant, by=iac, exit_note="Withdrew")
    assert moved.status == S.ENDED
    assert moved.badge_returned is None


def test_revoke_with_ban_needs_program(
    facility: Facility, iac: User, pic_coordinator: User
) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match="PIC Coordinator"):
        services.revoke_access(grant=grant, by=iac, reason="Cause", ban=True)
    assert FacilityAccess.objects.get(pk=grant.pk).status == S.ACTIVE
    moved = services.revoke_access(grant=grant, by=pic_coordinator, reason="Cause", ban=True)
    assert moved.status == S.REVOKED
    assert services.standing_ban(moved.person) is not None
    assert moved.events.last().kind == AccessEventKind.REVOKED
    assert moved.events.last().data["ban"] is True
    assert AuditEvent.objects.filter(action="volunteers.access_revoked").exists()
    assert AuditEvent.objects.filter(action="screening.person_banned").exists()


def test_revoke_needs_reason(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match="reason"):
        services.revoke_access(grant=grant, by=iac, reason=" ")


# Re-checks ------------------------------------------------------------------------------


def test_approval_copies_the_cleared_checks_onto_the_grant(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    (check,) = grant.checks.all()
    assert check.outcome == "cleared"
    assert check.from_application_check is not None
    assert check.performed_by == "MSHP"


def test_recheck_supersede_and_void(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        check = services.record_recheck(
            grant=grant,
            by=iac,
            check_type="ncic",
            run_on=TODAY(),
            outcome="needs_review",
            performed_by="FBI",
        )
    assert grant.events.last().kind == AccessEventKind.RECHECK_RECORDED
    assert AuditEvent.objects.filter(action="volunteers.recheck_recorded").exists()
    assert "background check" in mail.outbox[0].subject
    assert "needs" not in mail.outbox[0].body.lower()  # no outcome in the mail
    later = services.rerun_recheck(
        grant=grant,
        earlier=check,
        by=iac,
        reason="Name mix-up",
        run_on=TODAY(),
        outcome="cleared",
        performed_by="FBI",
    )
    check.refresh_from_db()
    assert check.superseded_by == later
    assert later.check_type == "ncic"
    assert AuditEvent.objects.filter(action="volunteers.recheck_superseded").exists()
    with pytest.raises(VolunteerError, match="already superseded"):
        services.void_recheck(grant=grant, check=check, by=iac, reason="x")
    services.void_recheck(grant=grant, check=later, by=iac, reason="Wrong person")
    assert not AccessCheck.objects.current().filter(pk=later.pk).exists()
    assert AuditEvent.objects.filter(action="volunteers.recheck_voided").exists()


def test_recheck_needs_who_ran_it_and_no_future(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    base = {"grant": grant, "by": iac, "check_type": "mules", "outcome": "cleared"}
    with pytest.raises(VolunteerError, match="who ran"):
        services.record_recheck(run_on=TODAY(), performed_by=" ", **base)
    with pytest.raises(VolunteerError, match="future"):
        services.record_recheck(run_on=TODAY() + timedelta(1), performed_by="MSHP", **base)


def test_recheck_refused_on_ended_access(facility: Facility, iac: User) -> None:
    grant = in_status(facility, S.ENDED, by=iac)
    with pytest.raises(VolunteerError, match="live access"):
        services.record_recheck(
            grant=grant,
            by=iac,
            check_type="mules",
            run_on=TODAY(),
            outcome="cleared",
            performed_by="MSHP",
        )


# Renewal ----------------------------------------------------------------------------------


def test_renewal_early_runs_from_the_old_expiry(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = renewable(facility, by=iac)
    old = grant.expires_on
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.renew_access(grant=grant, by=iac)
    assert moved.status == S.ACTIVE
    assert moved.expires_on == add_months(old, validity())
    event = moved.events.last()
    assert event.kind == AccessEventKind.RENEWED
    assert set(event.data["relied_on"]) == {
        "background_check",
        "prea",
        "annual-in-service",
        "tb",
        "agreements",
        "no_ban",
    }
    assert event.data["previous_expiry"] == old.isoformat()
    assert AuditEvent.objects.filter(action="volunteers.access_renewed").exists()
    assert "renewed" in mail.outbox[0].subject


def test_renewal_of_expired_runs_from_today_and_activates(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac, months_left=-1)
    activation.move_access(grant=grant, to=S.EXPIRED, by="sweep")
    moved = services.renew_access(grant=FacilityAccess.objects.get(pk=grant.pk), by=iac)
    assert moved.status == S.ACTIVE
    assert moved.expires_on == add_months(TODAY(), validity())
    assert moved.events.last().kind == AccessEventKind.RENEWED


def test_renewal_window_opens_60_days_before(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac, months_left=12)
    with pytest.raises(GateClosed) as refused:
        services.renew_access(grant=grant, by=iac)
    assert refused.value.missing[0].startswith("Renewal opens on")
    FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=TODAY() + timedelta(days=60))
    services.renew_access(grant=FacilityAccess.objects.get(pk=grant.pk), by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(expires_on=TODAY() + timedelta(days=61))
    with pytest.raises(GateClosed):
        services.renew_access(grant=FacilityAccess.objects.get(pk=grant.pk), by=iac)


def test_renewal_refused_for_suspended(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    services.suspend_access(grant=grant, by=iac, reason="x")
    with pytest.raises(GateClosed, match="Only active or expired"):
        services.renew_access(grant=grant, by=iac)


def _refused(grant: FacilityAccess, by: User) -> list[str]:
    with pytest.raises(GateClosed) as refused:
        services.renew_access(grant=FacilityAccess.objects.get(pk=grant.pk), by=by)
    assert services.renewal_problems(FacilityAccess.objects.get(pk=grant.pk)) == (
        refused.value.missing
    )
    return refused.value.missing


def test_renewal_names_a_missing_background_check(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    grant.checks.update(run_on=add_months(TODAY(), -13))
    assert _refused(grant, iac) == ["A cleared background check within the last 12 months."]
    settings = ProgramSettings.load()
    settings.renewal_check_window_months = 24
    settings.save()
    services.renew_access(grant=grant, by=iac)


def test_renewal_names_a_check_not_cleared(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    services.record_recheck(
        grant=grant,
        by=iac,
        check_type="ncic",
        run_on=TODAY(),
        outcome="not_cleared",
        performed_by="FBI",
    )
    assert _refused(grant, iac) == ["A background check within the last 12 months is not cleared."]


def test_renewal_names_prea(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac, months_left=-1)
    activation.move_access(grant=grant, to=S.EXPIRED, by="sweep")
    grant.person.completions.filter(course=course(PREA)).update(
        completed_on=add_months(TODAY(), -13)
    )
    assert _refused(grant, iac) == ["PREA training is not current."]


def test_renewal_names_the_in_service(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    grant.person.completions.filter(course__code="annual-in-service").update(hours=5)
    assert _refused(grant, iac) == [
        "Annual in-service training: 5.00 of 6.00 hours in the last 12 months."
    ]


def test_renewal_names_the_tb_test(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    grant.person.tb_tests.update(valid_until=TODAY() - timedelta(days=1))
    assert _refused(grant, iac) == ["The TB test is not current."]
    tb_test(grant, by=iac, tested_on=TODAY(), result="negative")
    services.renew_access(grant=grant, by=iac)


def test_renewal_ignores_tb_where_not_required(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    grant.person.tb_tests.all().delete()
    Facility.objects.filter(pk=facility.pk).update(tb_test_required=False)
    moved = services.renew_access(grant=FacilityAccess.objects.get(pk=grant.pk), by=iac)
    assert "tb" not in moved.events.last().data["relied_on"]


def test_renewal_names_unsigned_agreements(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    AgreementVersion.objects.create(
        kind="code_of_conduct",
        version=1,
        title="Code of conduct",
        text_en="Rules.",
        effective_on=TODAY() - timedelta(days=1),
        content_hash="0" * 64,
    )
    assert _refused(grant, iac) == ["Not signed: Code of conduct."]


def test_renewal_names_the_ban(facility: Facility, iac: User, pic_coordinator: User) -> None:
    grant = renewable(facility, by=iac)
    services.ban_person(person=grant.person, by=pic_coordinator, reason="Cause")
    assert _refused(grant, iac) == ["The person is under a statewide ban."]


def test_renewal_names_every_missing_item_at_once(facility: Facility, iac: User) -> None:
    grant = renewable(facility, by=iac)
    grant.checks.all().delete()
    grant.person.completions.filter(course__code="annual-in-service").delete()
    grant.person.tb_tests.all().delete()
    missing = _refused(grant, iac)
    assert missing == [
        "A cleared background check within the last 12 months.",
        "Annual in-service training: 0 of 6.00 hours in the last 12 months.",
        "The TB test is not current.",
    ]


# Change level ------------------------------------------------------------------------------


def test_lower_any_time_and_raise_back(
    facility: Facility, iac: User, django_capture_on_commit_callbacks: Any
) -> None:
    grant = active_grant(facility, by=iac)
    assert grant.level_effective == AccessLevel.CONTACT
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.change_level(
            grant=grant, by=iac, level=AccessLevel.NO_CONTACT, reason="Incident"
        )
    assert moved.level_effective == AccessLevel.NO_CONTACT
    assert moved.level_differs
    event = moved.events.last()
    assert event.kind == AccessEventKind.LEVEL_CHANGED
    assert event.data == {"from": AccessLevel.CONTACT, "to": AccessLevel.NO_CONTACT}
    assert AuditEvent.objects.filter(action="volunteers.level_changed").exists()
    assert "level" in mail.outbox[0].subject
    assert not FacilityAccess.objects.ready_for_contact(TODAY()).filter(pk=grant.pk).exists()
    raised = services.change_level(grant=grant, by=iac, level=AccessLevel.CONTACT, reason="Ok")
    assert raised.level_effective == AccessLevel.CONTACT


def test_raise_not_above_approved(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac, level=AccessLevel.NO_CONTACT)
    with pytest.raises(VolunteerError, match="above the level approved"):
        services.change_level(grant=grant, by=iac, level=AccessLevel.CONTACT, reason="x")


def test_raise_not_before_the_19th_birthday(facility: Facility, iac: User) -> None:
    birthday = not_leap_day(TODAY() + timedelta(days=40))
    grant = active_grant(facility, by=iac, born=born_turning(19, birthday))
    assert grant.level_effective == AccessLevel.NO_CONTACT
    with pytest.raises(VolunteerError, match="19th birthday"):
        services.change_level(grant=grant, by=iac, level=AccessLevel.CONTACT, reason="x")


def test_change_level_needs_reason_and_a_change(facility: Facility, iac: User) -> None:
    grant = active_grant(facility, by=iac)
    with pytest.raises(VolunteerError, match="reason"):
        services.change_level(grant=grant, by=iac, level=AccessLevel.NO_CONTACT, reason="")
    with pytest.raises(VolunteerError, match="already"):
        services.change_level(grant=grant, by=iac, level=AccessLevel.CONTACT, reason="x")


@pytest.mark.parametrize("status", [S.PENDING_ACTIVATION, S.EXPIRED, S.ENDED, S.REVOKED])
def test_change_level_refused_outside_active_and_suspended(
    facility: Facility, iac: User, status: str
) -> None:
    grant = in_status(facility, status, by=iac)
    with pytest.raises(VolunteerError, match="active or suspended"):
        services.change_level(grant=grant, by=iac, level=AccessLevel.NO_CONTACT, reason="x")


# Bulk ------------------------------------------------------------------------------------------


def test_bulk_reports_each_row(facility: Facility, iac: User) -> None:
    ok = active_grant(facility, by=iac)
    suspended = in_status(facility, S.SUSPENDED, by=iac)
    rows = services.bulk_move(
        grants=[ok, suspended],
        move=lambda g: services.suspend_access(grant=g, by=iac, reason="Lockdown"),
    )
    assert [(r.grant.pk, r.done) for r in rows] == [(ok.pk, True), (suspended.pk, False)]
    assert "cannot become" in rows[1].message
    assert FacilityAccess.objects.get(pk=ok.pk).status == S.SUSPENDED
