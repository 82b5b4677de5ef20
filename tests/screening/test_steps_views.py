"""Recording and waiving steps through the application page: who may, and what comes back."""

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.models import Application, EventKind
from audit.models import AuditEvent
from facilities.models import Facility
from screening.models import ScreeningStep, StepKind, StepState
from tests.screening.helpers import in_review, page

pytestmark = pytest.mark.django_db


def waive(
    client: Client, application: Application, step: ScreeningStep, reason: str
) -> HttpResponse:
    prefix = f"waive-{step.pk}"
    return client.post(
        reverse("staff:waive_step", args=[application.reference, step.pk]),
        {f"{prefix}-reason": reason},
    )


def test_a_chaplain_cannot_waive(
    client: Client, facility: Facility, iac: User, chaplain: User
) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    client.force_login(chaplain)

    response = waive(client, application, interview, "Known to us for years.")

    assert response.status_code == 403
    interview.refresh_from_db()
    assert interview.state == StepState.PENDING
    assert not AuditEvent.objects.filter(action="screening.step_waived").exists()
    # The page offers a chaplain no waiver, while it offers recording.
    detail = page(client.get(reverse("staff:application", args=[application.reference])))
    assert "Waive this step" not in detail
    assert "Record this step" in detail


def test_a_chaplain_can_record_a_step(
    client: Client, facility: Facility, iac: User, chaplain: User
) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    prefix = f"step-{interview.pk}"
    client.force_login(chaplain)

    response = client.post(
        reverse("staff:record_step", args=[application.reference, interview.pk]),
        {f"{prefix}-state": "passed", f"{prefix}-conducted_by": "Chaplain Moss"},
    )

    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.state, interview.recorded_by) == (StepState.PASSED, chaplain)


def test_an_iac_waives_with_a_reason(client: Client, facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    client.force_login(iac)

    response = waive(client, application, interview, "Interviewed for the Kairos team in May.")

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:application", args=[application.reference])
    interview.refresh_from_db()
    assert interview.state == StepState.WAIVED
    assert interview.waive_reason == "Interviewed for the Kairos team in May."
    assert interview.recorded_by == iac
    assert application.events.filter(kind=EventKind.STEP).count() == 1
    audit = AuditEvent.objects.get(action="screening.step_waived")
    assert audit.actor_id == str(iac.pk)
    assert audit.facility_code == facility.code
    detail = page(client.get(response["Location"]))
    assert "Interviewed for the Kairos team in May." in detail


def test_an_empty_reason_comes_back_as_a_form_error(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    client.force_login(iac)

    response = waive(client, application, interview, "")

    assert response.status_code == 200
    assert "This field is required." in page(response)
    # The waiver's panel comes back open, its field marked.
    waive_url = reverse("staff:waive_step", args=[application.reference, interview.pk])
    panel = re.search(
        r'<details class="action-panel"( open)?>\s*<summary>Waive this step</summary>\s*'
        rf'<form method="post" action="{re.escape(waive_url)}".*?</form>',
        page(response),
        re.S,
    )
    assert panel is not None
    assert panel.group(1) == " open"
    assert "This field is required." in panel.group(0)
    assert f'name="waive-{interview.pk}-reason"' in panel.group(0)
    interview.refresh_from_db()
    assert interview.state == StepState.PENDING


def test_a_blank_reason_is_a_form_error_too(client: Client, facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    client.force_login(iac)

    response = waive(client, application, interview, "     ")

    assert response.status_code == 200
    assert "This field is required." in page(response)
    interview.refresh_from_db()
    assert interview.state == StepState.PENDING


def test_a_refused_reason_comes_back_with_what_was_typed(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    typed = "Known to the chaplain " + "x" * 2000
    client.force_login(iac)

    response = waive(client, application, interview, typed)

    assert response.status_code == 200
    html = page(response)
    assert "Ensure this value has at most 2000 characters" in html
    assert typed in html
    interview.refresh_from_db()
    assert interview.state == StepState.PENDING


def test_other_forms_keep_what_was_typed(client: Client, facility: Facility, iac: User) -> None:
    application = in_review(facility, by=iac)
    background = application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)
    client.force_login(iac)

    response = client.post(
        reverse("staff:add_check", args=[application.reference, background.pk]),
        {"check_type": "ncic", "run_on": "2999-01-01", "outcome": "cleared", "reference": "N-778"},
    )

    assert response.status_code == 200
    html = page(response)
    assert "This date is in the future." in html
    assert 'value="N-778"' in html
    assert not background.checks.exists()
