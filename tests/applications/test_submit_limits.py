"""Application submits are rate-limited per e-mail address and per client address; staff
entering paper applications are not; PIC_RATE_LIMITS off lifts every limit (load tests)."""

from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client
from django.urls import reverse

from applications.models import Application, Status
from applications.services import workflow
from facilities.models import Facility
from tests.factories import FacilityFactory
from tests.screening.helpers import make_application

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]

REFUSED = "Too many applications were sent from here"


def submit(client: Client, draft: Application, ip: str = "198.51.100.4") -> Any:
    client.force_login(draft.person.user)
    url = reverse("applications:review", args=[draft.public_id])
    return client.post(url, REMOTE_ADDR=ip)


def drafts(count: int, facility: Facility, **options: Any) -> list[Application]:
    return [make_application(facility, submit=False, **options) for _ in range(count)]


def test_the_limits(settings: LazySettings) -> None:
    assert workflow.SUBMITS_PER_ADDRESS == 10
    assert workflow.SUBMITS_PER_IP == 30
    assert settings.PIC_RATE_LIMITS is True


def test_submits_are_limited_per_address(
    client: Client, facility: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "SUBMITS_PER_ADDRESS", 2)
    first = make_application(facility, submit=False)
    person = first.person
    others = [
        make_application(FacilityFactory.create(), submit=False, person=person) for _ in range(2)
    ]

    assert submit(client, first).status_code == 302
    assert submit(client, others[0], ip="192.0.2.1").status_code == 302
    refused = submit(client, others[1], ip="192.0.2.2")

    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    others[1].refresh_from_db()
    assert others[1].status == Status.DRAFT


def test_submits_are_limited_per_client_address(
    client: Client, facility: Facility, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "SUBMITS_PER_IP", 2)
    first, second, third = drafts(3, facility)

    assert submit(client, first).status_code == 302
    assert submit(client, second).status_code == 302
    assert REFUSED in submit(client, third).content.decode()
    assert submit(client, third, ip="192.0.2.50").status_code == 302


def test_staff_entering_paper_applications_are_not_limited(
    facility: Facility, iac: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "SUBMITS_PER_ADDRESS", 1)
    person_draft = make_application(facility, submit=False)
    second = make_application(FacilityFactory.create(), submit=False, person=person_draft.person)

    for draft in (person_draft, second):
        done = workflow.submit_application(application=draft, by=iac, on_behalf=True)
        assert done.status == Status.SUBMITTED


def test_rate_limits_off_lift_the_submit_limit(
    client: Client, facility: Facility, settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.PIC_RATE_LIMITS = False
    monkeypatch.setattr(workflow, "SUBMITS_PER_IP", 1)
    for draft in drafts(3, facility):
        assert submit(client, draft).status_code == 302


def test_rate_limits_off_lift_sign_in_links_and_visit_requests(
    client: Client, facility: Facility, settings: LazySettings
) -> None:
    from accounts import ratelimit

    settings.PIC_RATE_LIMITS = False
    for _ in range(50):
        ratelimit.hit("sign_in_link_email", "a@example.org", window_seconds=60)
        ratelimit.hit("visit_request_ip", "198.51.100.4", window_seconds=60)

    assert not ratelimit.is_limited("sign_in_link_email", "a@example.org", limit=5)
    assert not ratelimit.is_limited("visit_request_ip", "198.51.100.4", limit=5)
    response = client.post("/account/sign-in/", {"email": "a@example.org"})
    assert "Too many sign-in links" not in response.content.decode()
