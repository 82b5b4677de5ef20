"""Random and hostile input to every form a visitor, an applicant, a coordinator and the PIC
Coordinator can reach (found by crawling the site, so a new form is fuzzed without being
listed here): never a server error, and a form that comes back with errors keeps what was
typed. Hypothesis drives the input; PIC_FUZZ_EXAMPLES sets the examples per form (a fixed
budget: the suite runs in a few minutes, in the SQLite pass only)."""

from __future__ import annotations

import html
import os
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings

from accounts.models import User
from applications.models import Person, Status
from facilities.models import Facility
from tests.factories import applicant, draft_application
from tests.fuzz.forms import Form, crawl
from tests.fuzz.strategies import post_data
from tests.screening.helpers import application_in
from tests.volunteers.hours_helpers import volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("PIC_FUZZ_EXAMPLES", "6"))
ERROR_MARKERS = ("error-summary", "invalid-feedback", "is-invalid", "alert-danger", "errorlist")


def _fuzz(client: Client, forms: list[Form]) -> None:
    """Post every form EXAMPLES times: a server error fails at once (with Hypothesis's
    smallest failing input); forms that lose typed answers are collected and listed."""
    lost: dict[str, str] = {}
    for form in forms:
        _fuzz_form(client, form, lost)
    assert not lost, "typed answers lost when a form came back:\n" + "\n".join(
        f"{where} ({why})" for where, why in sorted(lost.items())
    )


def _fuzz_form(client: Client, form: Form, lost: dict[str, str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(post_data(form))
    def one(drawn: tuple[dict[str, Any], dict[str, str]]) -> None:
        data, typed = drawn
        send = client.post if form.method == "post" else client.get
        response = send(form.action, data)
        assert response.status_code < 500, (form.action, data)
        body = response.content.decode(errors="replace")
        came_back = (
            form.method == "post"
            and response.status_code in (200, 400, 422)
            and "html" in response.get("Content-Type", "")
            and any(marker in body for marker in ERROR_MARKERS)
        )
        if not came_back:
            return
        # Kept where the page shows the form again; an action that no longer applies (the
        # access ended meanwhile) comes back without its form.
        for name, value in typed.items():
            if f'name="{name}"' in body and html.escape(value) not in body:
                lost.setdefault(f"{form.key[1]} {name}", f"{response.status_code}: {_errors(body)}")

    one()


def _errors(body: str) -> str:
    """The error messages of a page, for a failure's explanation."""
    import re

    found = re.findall(
        r"(?:error-summary|invalid-feedback|alert-danger|errorlist)[^>]*>(.{0,300}?)</", body, re.S
    )
    return " | ".join(" ".join(f.split()) for f in found)[:600]


@pytest.fixture
def places(facility: Facility, iac: User) -> dict[str, Any]:
    """An application in each status, and an active volunteer, at the coordinator's facility."""
    made = {status: application_in(status, facility, by=iac) for status in Status.values}
    made["volunteer"] = volunteer(facility, by=iac)
    return made


def test_public_forms(client: Client, facility: Facility) -> None:
    forms = crawl(
        client,
        [
            "/",
            "/facilities/",
            f"/facilities/{facility.code}/",
            "/account/",
            "/staff/login/",
            "/help/",
        ],
        limit=25,
    )
    assert len(forms) >= 4
    _fuzz(client, forms)


def test_applicant_forms(client: Client, facility: Facility, iac: User) -> None:
    person: Person = applicant()
    draft = draft_application(facility=facility, person=person, complete=False)
    info = application_in(Status.INFO_REQUESTED, facility, by=iac)
    client.force_login(person.user)
    start = ["/account/", "/account/apply/", f"/account/applications/{draft.public_id}/"]
    forms = crawl(client, start, limit=40)
    client.force_login(info.person.user)
    forms += crawl(client, ["/account/", f"/account/applications/{info.public_id}/"], limit=15)
    grant = volunteer(facility, by=iac)
    client.force_login(grant.person.user)
    forms += crawl(client, ["/account/"], limit=25)
    assert len(forms) >= 10

    client.force_login(person.user)
    _fuzz(client, [f for f in forms if str(draft.public_id) in f.action or "apply" in f.action])
    client.force_login(info.person.user)
    _fuzz(client, [f for f in forms if str(info.public_id) in f.action])
    client.force_login(grant.person.user)
    _fuzz(client, [f for f in forms if "applications/" not in f.action and "apply" not in f.action])


def test_coordinator_forms(client: Client, facility: Facility, iac: User, places: Any) -> None:
    client.force_login(iac)
    forms = crawl(client, ["/staff/", f"/staff/facilities/{facility.code}/"], limit=80)
    assert len(forms) >= 20
    _fuzz(client, forms)


def test_pic_coordinator_forms(
    client: Client, facility: Facility, iac: User, pic_coordinator: User, places: Any
) -> None:
    client.force_login(pic_coordinator)
    forms = crawl(client, ["/staff/statewide/", "/staff/reports/"], limit=50)
    assert len(forms) >= 8
    _fuzz(client, forms)
