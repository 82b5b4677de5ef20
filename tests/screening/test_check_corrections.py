"""Correcting a background check: a re-run supersedes it, or a mistaken entry is voided.

DESIGN (Workflow): "a check is corrected only by superseding it with a re-run or voiding
it with a reason, never edited; the step can be marked passed only when every current
(neither superseded nor voided) check on it is cleared."
"""

from datetime import date, timedelta

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import Application, EventKind
from audit.models import AuditEvent
from facilities.models import Facility
from screening import services
from screening.models import BackgroundCheck, ScreeningStep, StepKind, StepState
from screening.services import ScreeningError
from tests.screening.helpers import in_review, messages_of, page, pass_all_steps

pytestmark = pytest.mark.django_db

MSHP = "Missouri State Highway Patrol"


def background(application: Application) -> ScreeningStep:
    return application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)


def check(
    step: ScreeningStep,
    by: User,
    *,
    outcome: str = "needs_review",
    check_type: str = "mules",
    run_on: date | None = None,
) -> BackgroundCheck:
    return services.add_background_check(
        step=step,
        by=by,
        check_type=check_type,
        run_on=run_on or age.today() - timedelta(days=3),
        outcome=outcome,
        performed_by=MSHP,
        reference="M-1",
    )


def rerun(first: BackgroundCheck, by: User, outcome: str = "cleared") -> BackgroundCheck:
    return services.record_rerun(
        check=first,
        by=by,
        run_on=age.today(),
        outcome=outcome,
        performed_by="Missouri State Highway Patrol, Criminal Justice Information Services",
        reason="The hit was another person of the same name.",
    )


def pass_step(step: ScreeningStep, by: User) -> ScreeningStep:
    return services.record_step(step=step, by=by, state="passed", occurred_on=age.today())


# Services --------------------------------------------------------------------------------


@pytest.mark.parametrize("first_outcome", ["needs_review", "not_cleared"])
def test_a_cleared_rerun_supersedes_a_check_and_lets_the_step_pass(
    facility: Facility, iac: User, first_outcome: str
) -> None:
    application = in_review(facility, by=iac)
    step = background(application)
    first = check(step, iac, outcome=first_outcome)
    with pytest.raises(ScreeningError, match="every current check"):
        pass_step(step, iac)

    later = rerun(first, iac)

    first.refresh_from_db()
    assert first.superseded_by == later
    assert first.supersede_reason == "The hit was another person of the same name."
    assert (first.outcome, first.run_on) == (first_outcome, age.today() - timedelta(days=3))
    assert later.check_type == "mules"
    assert later.performed_by.startswith(MSHP)
    assert list(step.checks.current()) == [later]
    assert step.checks.count() == 2  # the earlier one is kept
    assert pass_step(step, iac).state == StepState.PASSED


def test_supersede_links_two_recorded_checks(facility: Facility, iac: User) -> None:
    step = background(in_review(facility, by=iac))
    first = check(step, iac)
    later = check(step, iac, outcome="cleared", run_on=age.today())

    services.supersede_check(earlier=first, later=later, by=iac, reason="Re-run.")

    first.refresh_from_db()
    assert first.superseded_by == later
    assert not first.is_current
    assert later.is_current


def test_supersede_refuses_a_check_of_another_type(facility: Facility, iac: User) -> None:
    step = background(in_review(facility, by=iac))
    first = check(step, iac, check_type="mules")
    ncic = check(step, iac, check_type="ncic", outcome="cleared", run_on=age.today())

    with pytest.raises(ScreeningError, match=r"Only a re-run of the same check \(MULES\)"):
        services.supersede_check(earlier=first, later=ncic, by=iac, reason="Re-run.")

    first.refresh_from_db()
    assert first.is_current


def test_supersede_refuses_a_check_on_another_step(facility: Facility, iac: User) -> None:
    first = check(background(in_review(facility, by=iac)), iac)
    elsewhere = check(background(in_review(facility, by=iac)), iac, outcome="cleared")

    with pytest.raises(ScreeningError, match="same application's background check"):
        services.supersede_check(earlier=first, later=elsewhere, by=iac, reason="Re-run.")

    first.refresh_from_db()
    assert first.is_current


def test_supersede_refuses_an_earlier_check_as_the_rerun(facility: Facility, iac: User) -> None:
    step = background(in_review(facility, by=iac))
    older = check(step, iac, run_on=age.today() - timedelta(days=10))
    newer = check(step, iac, outcome="cleared")

    with pytest.raises(ScreeningError, match="later than the check it supersedes"):
        services.supersede_check(earlier=newer, later=older, by=iac, reason="Re-run.")


def test_an_already_superseded_check_cannot_be_superseded_or_voided(
    facility: Facility, iac: User
) -> None:
    step = background(in_review(facility, by=iac))
    first = check(step, iac)
    rerun(first, iac)
    checks_before = step.checks.count()

    with pytest.raises(ScreeningError, match="already superseded"):
        rerun(first, iac)
    with pytest.raises(ScreeningError, match="already superseded"):
        services.void_check(check=first, by=iac, reason="Oops.")

    assert step.checks.count() == checks_before  # the refused re-run left nothing behind
    assert AuditEvent.objects.filter(action="screening.check_superseded").count() == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_rerun_or_void_without_a_reason_is_refused(
    facility: Facility, iac: User, reason: str
) -> None:
    step = background(in_review(facility, by=iac))
    first = check(step, iac)

    with pytest.raises(ScreeningError, match="reason the check was run again"):
        services.record_rerun(
            check=first,
            by=iac,
            run_on=age.today(),
            outcome="cleared",
            performed_by=MSHP,
            reason=reason,
        )
    with pytest.raises(ScreeningError, match="reason for voiding"):
        services.void_check(check=first, by=iac, reason=reason)

    first.refresh_from_db()
    assert first.is_current
    assert step.checks.count() == 1
    assert not AuditEvent.objects.filter(action__startswith="screening.check_").exists()


def test_a_new_check_needs_who_ran_it(facility: Facility, iac: User) -> None:
    step = background(in_review(facility, by=iac))

    with pytest.raises(ScreeningError, match="who ran the check"):
        services.add_background_check(
            step=step,
            by=iac,
            check_type="mules",
            run_on=age.today(),
            outcome="cleared",
            performed_by="  ",
        )

    assert not step.checks.exists()


def test_a_voided_check_no_longer_counts_and_is_entered_again(
    facility: Facility, iac: User
) -> None:
    step = background(in_review(facility, by=iac))
    mistaken = check(step, iac, outcome="not_cleared")

    services.void_check(check=mistaken, by=iac, reason="Keyed in on the wrong applicant.")

    mistaken.refresh_from_db()
    assert mistaken.voided_by == iac
    assert mistaken.voided_at is not None
    assert mistaken.void_reason == "Keyed in on the wrong applicant."
    assert mistaken.outcome == "not_cleared"  # never edited
    # No current check at all: the step cannot pass until the check is entered again.
    with pytest.raises(ScreeningError, match="every current check"):
        pass_step(step, iac)
    check(step, iac, outcome="cleared")
    assert pass_step(step, iac).state == StepState.PASSED


def test_voiding_the_only_cleared_check_of_a_passed_step_reopens_it(
    facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    pass_all_steps(application, by=iac)
    step = background(application)
    assert step.state == StepState.PASSED

    services.void_check(check=step.checks.get(), by=iac, reason="Wrong person.")

    step.refresh_from_db()
    assert step.state == StepState.PENDING
    assert "Background check is not passed or waived." in services.approval_problems(application)


def test_a_not_cleared_rerun_of_a_cleared_check_reopens_a_passed_step(
    facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    pass_all_steps(application, by=iac)
    step = background(application)

    rerun(step.checks.get(), iac, outcome="not_cleared")

    step.refresh_from_db()
    assert step.state == StepState.PENDING


def test_corrections_are_in_the_step_history_and_audited(facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    step = background(application)
    first = check(step, iac)
    later = rerun(first, iac)
    mistaken = check(step, iac, check_type="ncic", outcome="not_cleared")
    services.void_check(check=mistaken, by=iac, reason="Wrong application.")

    texts = list(application.events.filter(kind=EventKind.STEP).values_list("text", flat=True))
    assert any("superseded by the re-run" in t and "another person" in t for t in texts)
    assert any("voided: Wrong application." in t for t in texts)
    assert all(not e.is_visible_to_applicant for e in application.events.filter(kind="step"))
    superseded = AuditEvent.objects.get(action="screening.check_superseded")
    voided = AuditEvent.objects.get(action="screening.check_voided")
    for row in (superseded, voided):
        assert (row.actor_id, row.target_id, row.facility_code) == (
            str(iac.pk),
            str(application.pk),
            facility.code,
        )
    assert superseded.details == {
        "check": first.pk,
        "superseded_by": later.pk,
        "type": "mules",
        "outcomes": ["needs_review", "cleared"],
    }
    assert voided.details == {"check": mistaken.pk, "type": "ncic", "outcome": "not_cleared"}


# Views -----------------------------------------------------------------------------------


def rerun_post(
    client: Client, application: Application, first: BackgroundCheck, **data: str
) -> HttpResponse:
    prefix = f"rerun-{first.pk}"
    fields = {
        "run_on": age.today().isoformat(),
        "outcome": "cleared",
        "performed_by": MSHP,
        "reason": "Run again with the birth date.",
        **data,
    }
    return client.post(
        reverse("staff:rerun_check", args=[application.reference, first.pk]),
        {f"{prefix}-{k}": v for k, v in fields.items()},
    )


def test_a_chaplain_can_correct_a_check(
    client: Client, facility: Facility, iac: User, chaplain: User
) -> None:
    application = in_review(facility, by=iac)
    first = check(background(application), iac)
    client.force_login(chaplain)

    response = rerun_post(client, application, first)

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.superseded_by is not None
    assert first.superseded_by.recorded_by == chaplain


def test_the_page_shows_both_checks_who_ran_them_and_why(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    step = background(application)
    first = check(step, iac)
    later = rerun(first, iac)
    client.force_login(iac)

    html = page(client.get(reverse("staff:application", args=[application.reference])))

    assert f'id="check-{first.pk}"' in html
    assert f'id="check-{later.pk}"' in html
    assert "Superseded" in html
    assert "The hit was another person of the same name." in html
    assert "Needs review" in html
    assert "Cleared" in html
    assert MSHP in html
    # Only the current check offers corrections.
    assert reverse("staff:rerun_check", args=[application.reference, later.pk]) in html
    assert reverse("staff:rerun_check", args=[application.reference, first.pk]) not in html
    assert reverse("staff:void_check", args=[application.reference, first.pk]) not in html


def test_a_rerun_without_a_reason_comes_back_with_what_was_typed(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    first = check(background(application), iac)
    client.force_login(iac)

    response = rerun_post(client, application, first, reason="", reference="M-77-typed")

    assert response.status_code == 200
    assert "That could not be done" in " ".join(messages_of(response))
    html = page(response)
    assert 'value="M-77-typed"' in html
    assert "This field is required." in html
    first.refresh_from_db()
    assert first.is_current


def test_a_void_of_another_applications_check_is_404(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    other = check(background(in_review(facility, by=iac)), iac)
    client.force_login(iac)

    response = client.post(
        reverse("staff:void_check", args=[application.reference, other.pk]),
        {f"void-{other.pk}-reason": "Wrong."},
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_current


def test_a_void_through_the_page(client: Client, facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    mistaken = check(background(application), iac)
    client.force_login(iac)

    response = client.post(
        reverse("staff:void_check", args=[application.reference, mistaken.pk]),
        {f"void-{mistaken.pk}-reason": "Keyed in twice."},
        follow=True,
    )

    assert "Check voided; it stays on record, marked void." in messages_of(response)
    assert "Keyed in twice." in page(response)
    mistaken.refresh_from_db()
    assert mistaken.voided_by == iac


def test_adding_a_check_without_who_ran_it_comes_back_with_an_error(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    step = background(application)
    client.force_login(iac)

    response = client.post(
        reverse("staff:add_check", args=[application.reference, step.pk]),
        {"check_type": "ncic", "run_on": age.today().isoformat(), "outcome": "cleared"},
    )

    assert response.status_code == 200
    assert response.context["forms"]["check"].errors["performed_by"]
    assert not step.checks.exists()
