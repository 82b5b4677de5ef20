"""A coordinator takes an approved applicant through training, TB test and activation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import age
from screening import services
from tests.factories import submitted_application
from volunteers.models import AccessStatus, Course, FacilityAccess


def approved_grant(facility, iac, **kwargs) -> FacilityAccess:
    application = services.start_review(
        application=submitted_application(facility=facility, **kwargs), by=iac
    )
    for step in application.screening_steps.all():
        if step.step_kind == "background_check":
            services.add_background_check(
                step=step,
                by=iac,
                performed_by="MSHP",
                check_type="mules",
                run_on=age.today(),
                outcome="cleared",
            )
        services.record_step(step=step, by=iac, state="passed")
    return services.approve_application(application=application, by=iac, level="contact")


@pytest.mark.django_db
def test_training_tb_and_activation_through_the_pages(client, facility, iac):
    grant = approved_grant(facility, iac)
    client.force_login(iac)
    url = reverse("volunteers:access", args=[facility.code, grant.pk])
    page = client.get(url).content.decode()
    assert "Missing before activation" in page

    # The statewide one-day training, by session and attendance.
    session = client.post(
        reverse("volunteers:sessions", args=[facility.code]),
        {
            "course": Course.objects.get(code="facility-orientation").pk,
            "place": "Visiting room",
            "starts_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (timezone.localtime() + timedelta(days=1, hours=2)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "capacity": 10,
        },
    )
    assert session.status_code == 302, session.content.decode()[:2000]
    for code in ("volunteer-orientation", "prea", "facility-orientation"):
        response = client.post(
            reverse("volunteers:access_completion", args=[facility.code, grant.pk]),
            {"course": Course.objects.get(code=code).pk, "completed_on": age.today().isoformat()},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("volunteers:access_tb_test", args=[facility.code, grant.pk]),
        {"tested_on": age.today().isoformat(), "result": "negative"},
    )
    assert response.status_code == 302
    assert "Everything needed for activation is in place." in client.get(url).content.decode()
    response = client.post(reverse("volunteers:access_activate", args=[facility.code, grant.pk]))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == AccessStatus.ACTIVE
    assert grant.badge_number == f"{facility.code}-00001"
    assert client.get(reverse("volunteers:roster", args=[facility.code])).status_code == 200
    csv = client.get(reverse("volunteers:roster_csv", args=[facility.code]))
    assert grant.badge_number in b"".join(csv.streaming_content).decode()
