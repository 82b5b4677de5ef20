"""No query per row: the queue and the application page cost the same however much they show."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import Application
from facilities.models import Facility
from screening import services
from screening.models import StepKind
from tests.screening.helpers import (
    application_url,
    in_review,
    make_application,
    pass_all_steps,
)

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def varied(facility: Facility, other_facility: Facility, count: int) -> None:
    """`count` open applications with every kind of row the queue shows."""
    kinds = ["volunteer", "reentry_partner", "student_intern"]
    for n in range(count):
        make_application(
            facility if n % 4 else other_facility,
            kind=kinds[n % 3],
            level="contact" if n % 2 else "no_contact",
            history=n % 5 == 0,
        )


@pytest.mark.parametrize("who", ["iac", "pic_coordinator"])
def test_the_queue_costs_the_same_for_5_and_50_applications(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    request: pytest.FixtureRequest,
    who: str,
) -> None:
    client.force_login(request.getfixturevalue(who))
    url = reverse("staff:home")
    varied(facility, other_facility, 5)
    queries(client, url)  # warm the caches a first request fills

    with_5 = queries(client, url)
    varied(facility, other_facility, 45)
    with_50 = queries(client, url)

    assert with_5 == with_50
    filtered = f"{url}?kind=volunteer&level=no_contact&q=Jordan&sort=newest&page=1"
    assert queries(client, filtered) == with_5


def test_the_application_page_costs_the_same_with_5_and_50_other_applications(
    client: Client, facility: Facility, other_facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    client.force_login(iac)
    varied(facility, other_facility, 5)
    queries(client, application_url(application))

    with_5 = queries(client, application_url(application))
    varied(facility, other_facility, 45)
    with_50 = queries(client, application_url(application))

    assert with_5 == with_50


def _add_checks(application: Application, iac: User, count: int) -> None:
    step = application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)
    for n in range(count):
        services.add_background_check(
            step=step,
            by=iac,
            performed_by="MSHP",
            check_type="mules",
            run_on=age.today(),
            outcome="cleared",
            reference=f"M-{n}",
        )
        services.add_note(application=application, by=iac, text=f"Note {n}")


@pytest.mark.parametrize(
    "grow",
    [
        pytest.param(lambda app, iac: _add_checks(app, iac, 9), id="1-vs-10-checks-and-events"),
        pytest.param(lambda app, iac: pass_all_steps(app, by=iac), id="steps-recorded"),
    ],
)
def test_the_application_page_costs_the_same_with_more_history(
    client: Client, facility: Facility, iac: User, grow: Callable[..., None]
) -> None:
    relations = [{"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)}]
    application = in_review(facility, by=iac, relations=relations, history=True)
    _add_checks(application, iac, 1)
    client.force_login(iac)
    url = application_url(application)
    queries(client, url)

    before = queries(client, url)
    grow(application, iac)
    after = queries(client, url)

    assert before == after
