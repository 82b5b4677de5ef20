"""An IAC carries an application from submitted to approved through the staff pages."""

import pytest
from django.urls import reverse

from applications.models import Status
from screening.models import StepState
from tests.factories import submitted_application
from volunteers.models import AccessStatus, FacilityAccess


@pytest.mark.django_db
def test_iac_reviews_and_approves(client, facility, iac, django_capture_on_commit_callbacks):
    application = submitted_application(facility=facility)
    client.force_login(iac)
    queue = client.get(reverse("staff:home"))
    assert application.reference in queue.content.decode()
    url = reverse("staff:application", args=[application.reference])
    assert client.get(url).status_code == 200

    client.post(reverse("staff:start_review", args=[application.reference]))
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    steps = list(application.screening_steps.all())
    assert [s.step_kind for s in steps] == ["completeness", "background_check", "interview"]
    background = next(s for s in steps if s.step_kind == "background_check")
    response = client.post(
        reverse("staff:add_check", args=[application.reference, background.pk]),
        {
            "check_type": "mules",
            "run_on": "2026-11-01",
            "outcome": "cleared",
            "reference": "M1",
            "performed_by": "Missouri State Highway Patrol",
        },
    )
    assert response.status_code == 302
    for step in steps:
        prefix = f"step-{step.pk}"
        response = client.post(
            reverse("staff:record_step", args=[application.reference, step.pk]),
            {f"{prefix}-state": "passed", f"{prefix}-occurred_on": "2026-11-02"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert all(s.state == StepState.PASSED for s in application.screening_steps.all())
    page = client.get(url)
    assert "Everything needed for approval is in place." in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:approve", args=[application.reference]), {"level": "contact"}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    grant = FacilityAccess.objects.get(application=application)
    assert grant.status == AccessStatus.PENDING_ACTIVATION
    assert (
        client.get(reverse("staff:person", args=[application.person.public_id])).status_code == 200
    )
