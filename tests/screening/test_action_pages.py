"""The application page renders no action form (issue 11: eleven crispy forms were 38% of its
time). Each action has its own small page at its POST URL: the page's panel loads the form
from there with htmx, and links there without JavaScript; the form posts as before."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications import age
from applications.models import Application
from facilities.models import Facility
from screening import services
from screening.models import StepKind, StepState
from tests.screening.helpers import (
    application_url,
    in_review,
    make_application,
    messages_of,
    page,
)

pytestmark = pytest.mark.django_db


def with_a_check(facility: Facility, iac: User) -> tuple[Application, int]:
    relations = [{"name": "Sam Doe", "relationship": "brother", "facility": str(facility.pk)}]
    application = in_review(facility, by=iac, relations=relations)
    step = application.screening_steps.get(step_kind=StepKind.BACKGROUND_CHECK)
    check = services.add_background_check(
        step=step,
        by=iac,
        performed_by="MSHP",
        check_type="mules",
        run_on=age.today(),
        outcome="cleared",
        reference="M-1",
    )
    return application, check.pk


def action_urls(application: Application, check_id: int) -> list[str]:
    ref = application.reference
    steps = list(application.screening_steps.all())
    background = next(s for s in steps if s.step_kind == StepKind.BACKGROUND_CHECK)
    relationship = application.relationships.get()
    return [
        reverse("staff:add_note", args=[ref]),
        reverse("staff:request_information", args=[ref]),
        reverse("staff:approve", args=[ref]),
        reverse("staff:decline", args=[ref]),
        reverse("staff:withdraw_on_behalf", args=[ref]),
        reverse("staff:add_check", args=[ref, background.pk]),
        reverse("staff:rerun_check", args=[ref, check_id]),
        reverse("staff:void_check", args=[ref, check_id]),
        reverse("staff:resolve_conflict", args=[ref, relationship.pk]),
        *(reverse("staff:record_step", args=[ref, s.pk]) for s in steps),
        *(reverse("staff:waive_step", args=[ref, s.pk]) for s in steps if not s.is_done),
    ]


def test_the_application_page_renders_no_action_form_but_offers_each_action(
    client: Client, facility: Facility, iac: User
) -> None:
    application, check_id = with_a_check(facility, iac)
    client.force_login(iac)

    html = page(client.get(application_url(application)))

    # (The one form left on the page is the header's sign-out.)
    assert re.findall(r'<form[^>]*action="/staff/applications/', html) == []
    assert 'name="text"' not in html  # the note form's field
    for url in action_urls(application, check_id):
        # No JavaScript: a link to the action's page; with it, the panel loads that form.
        assert f'<a href="{url}">' in html, url
        assert f'hx-get="{url}"' in html, url


def test_each_action_page_shows_its_form_posting_to_itself(
    client: Client, facility: Facility, iac: User
) -> None:
    application, check_id = with_a_check(facility, iac)
    client.force_login(iac)

    for url in action_urls(application, check_id):
        response = client.get(url)
        assert response.status_code == 200, url
        html = page(response)
        assert f'<form method="post" action="{url}" novalidate class="action-form">' in html
        assert "csrfmiddlewaretoken" in html
        assert reverse("staff:application", args=[application.reference]) in html

        partial = page(client.get(url, headers={"HX-Request": "true"}))
        assert partial.lstrip().startswith("<form"), url
        assert "<html" not in partial


def test_the_step_page_starts_from_what_is_on_record(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    interview = application.screening_steps.get(step_kind=StepKind.INTERVIEW)
    services.record_step(
        step=interview,
        by=iac,
        state=StepState.PENDING,
        occurred_on=age.today(),
        conducted_by="A. Carter",
        note="Booked for Tuesday.",
    )
    client.force_login(iac)

    html = page(
        client.get(reverse("staff:record_step", args=[application.reference, interview.pk]))
    )

    assert 'value="A. Carter"' in html
    assert "Booked for Tuesday." in html


def test_a_form_posted_from_its_page_works_and_errors_come_back_marked(
    client: Client, facility: Facility, iac: User
) -> None:
    application = in_review(facility, by=iac)
    client.force_login(iac)
    url = reverse("staff:add_note", args=[application.reference])

    refused = client.post(url, {"text": ""})
    assert refused.status_code == 200
    assert "This field is required." in page(refused)
    assert '<details class="action-panel" open>' in page(refused)

    done = client.post(url, {"text": "Called the applicant."}, follow=True)
    assert "Note added." in messages_of(done)
    assert "Called the applicant." in page(done)


def test_an_action_page_of_another_facility_is_404_and_needs_the_capability(
    client: Client, facility: Facility, other_facility: Facility, iac: User, chaplain: User
) -> None:
    here = in_review(facility, by=iac)
    client.force_login(chaplain)
    # A chaplain records but does not decide.
    assert client.get(reverse("staff:add_note", args=[here.reference])).status_code == 200
    assert client.get(reverse("staff:approve", args=[here.reference])).status_code == 403

    client.force_login(iac)
    theirs = make_application(other_facility)
    assert client.get(reverse("staff:add_note", args=[theirs.reference])).status_code == 404
