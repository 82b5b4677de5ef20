"""The partner-organization registry: choosing one or naming a new one in the application,
verifying and merging, the organization page scoped like every staff page, and the
organization-verification step reading the registry."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from applications import sections as S
from applications.models import Application, Kind
from applications.samples import sample_answers
from applications.services import submit_application
from facilities.models import Facility, Role
from partners.models import Organization, OrganizationStatus
from partners.services import (
    OrganizationError,
    find_or_create_unverified,
    merge_organization,
    verify_organization,
)
from screening import services as screening
from tests.conftest import member
from tests.factories import draft_application, fill_section

pytestmark = pytest.mark.django_db


def partner(
    facility: Facility, organization: Organization | None = None, **org: str
) -> Application:
    """A submitted reentry-partner application choosing `organization` (or naming one)."""
    draft = draft_application(facility=facility, kind=Kind.REENTRY_PARTNER)
    data = sample_answers(Kind.REENTRY_PARTNER)[S.ORGANISATION]
    if organization is not None:
        data = {**data, "organization": str(organization.public_id), "organisation_name": ""}
    data.update(org)
    fill_section(draft, S.ORGANISATION, data)
    return submit_application(application=draft, by=draft.person.user)


def test_a_named_organization_joins_the_registry_unverified_at_submission(
    facility: Facility,
) -> None:
    draft = draft_application(facility=facility, kind=Kind.REENTRY_PARTNER)
    assert draft.organization is None
    assert not Organization.objects.exists()

    submitted = submit_application(application=draft, by=draft.person.user)

    organization = submitted.organization
    assert organization is not None
    assert (organization.name, organization.kind) == ("Jobs for Tomorrow", "nonprofit")
    assert organization.status == OrganizationStatus.UNVERIFIED
    # A second applicant naming it (spelled differently) is linked to the same one.
    again = partner(facility, organisation_name="JOBS for tomorrow!")
    assert again.organization == organization


def test_choosing_from_the_registry_links_it_and_freezes_its_name(facility: Facility) -> None:
    chosen = Organization.objects.create(name="Mission Reentry", kind="faith_based")

    application = partner(facility, chosen, organisation_type="")

    assert application.organization == chosen
    answers = application.answers[S.ORGANISATION]
    assert answers["organisation_name"] == "Mission Reentry"
    assert answers["organisation_type"] == "faith_based"
    assert Organization.objects.count() == 1


def test_neither_chosen_nor_named_is_an_error_with_the_answers_kept(
    client: Client, facility: Facility
) -> None:
    draft = draft_application(facility=facility, kind=Kind.REENTRY_PARTNER, complete=False)
    client.force_login(draft.person.user)
    data = {**sample_answers(Kind.REENTRY_PARTNER)[S.ORGANISATION], "organisation_name": ""}

    response = client.post(
        reverse("applications:section", args=[draft.public_id, S.ORGANISATION]), data
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the organization from the list, or type its name." in page
    assert 'value="Employment counsellor"' in page


def test_an_intern_chooses_a_school(facility: Facility) -> None:
    school = Organization.objects.create(
        name="Lincoln University", kind="school", city="Jefferson City"
    )
    Organization.objects.create(name="Not a school", kind="employer")
    draft = draft_application(facility=facility, kind=Kind.STUDENT_INTERN)
    form_class = S.section(Kind.STUDENT_INTERN, S.ORGANISATION).form_class(Kind.STUDENT_INTERN)  # type: ignore[union-attr]
    values = [value for value, _label in form_class().fields["organization"].choices]
    assert values == ["", str(school.public_id)]
    data = {**sample_answers(Kind.STUDENT_INTERN)[S.ORGANISATION], "school": ""}
    fill_section(draft, S.ORGANISATION, {**data, "organization": str(school.public_id)})

    submitted = submit_application(application=draft, by=draft.person.user)

    assert submitted.organization == school


def test_the_search_returns_options_and_skips_merged_ones(client: Client) -> None:
    kept = Organization.objects.create(name="Jobs for Tomorrow", kind="nonprofit", city="Columbia")
    gone = Organization.objects.create(name="Jobs for Today", kind="nonprofit")
    merge_organization(organization=gone, into=kept, by="tests")

    page = client.get(reverse("partners:search"), {"organization_q": "jobs", "kinds": "nonprofit"})

    text = page.content.decode()
    assert page.status_code == 200
    assert str(kept.public_id) in text
    assert "Columbia" in text
    assert str(gone.public_id) not in text


def test_verify_and_merge(pic_coordinator: User) -> None:
    a = Organization.objects.create(name="A", kind="nonprofit")
    b = Organization.objects.create(name="B", kind="nonprofit")

    verify_organization(organization=a, by=pic_coordinator)
    merge_organization(organization=b, into=a, by=pic_coordinator)

    a.refresh_from_db()
    b.refresh_from_db()
    assert a.is_verified
    assert a.verified_by == pic_coordinator
    assert a.verified_at
    assert b.status == OrganizationStatus.MERGED
    assert b.current == a
    assert find_or_create_unverified(name="b", kind="nonprofit", by="tests") == a
    with pytest.raises(OrganizationError):
        verify_organization(organization=b, by=pic_coordinator)
    with pytest.raises(OrganizationError):
        merge_organization(organization=a, into=a, by=pic_coordinator)


# The organization page, scoped -----------------------------------------------------------


@pytest.fixture
def two_places(facility: Facility, other_facility: Facility) -> dict[str, Any]:
    organization = Organization.objects.create(name="Second Chance Inc.", kind="nonprofit")
    here = partner(facility, organization, organisation_type="")
    there = partner(other_facility, organization, organisation_type="")
    return {"organization": organization, "here": here, "there": there}


@pytest.mark.parametrize(
    ("who", "status", "sees_here", "sees_there"),
    [
        ("iac_here", 200, True, False),
        ("chaplain_here", 200, True, False),
        ("iac_there", 200, False, True),
        ("iac_elsewhere", 404, False, False),
        ("pic", 200, True, True),
    ],
)
def test_the_organization_page_lists_only_the_users_facilities_people(
    client: Client,
    two_places: dict[str, Any],
    facility: Facility,
    other_facility: Facility,
    pic_coordinator: User,
    who: str,
    status: int,
    sees_here: bool,
    sees_there: bool,
) -> None:
    third = Facility.objects.create(
        code="CCC", name="Chillicothe", kind="adult_institution", division="DAI"
    )
    users = {
        "iac_here": lambda: member(facility, Role.IAC),
        "chaplain_here": lambda: member(facility, Role.CHAPLAIN),
        "iac_there": lambda: member(other_facility, Role.IAC),
        "iac_elsewhere": lambda: member(third, Role.IAC),
        "pic": lambda: pic_coordinator,
    }
    client.force_login(users[who]())
    organization = two_places["organization"]

    detail = client.get(reverse("organizations:detail", args=[organization.public_id]))
    listing = client.get(reverse("organizations:list")).content.decode()

    assert detail.status_code == status
    text = detail.content.decode()
    assert (two_places["here"].reference in text) is sees_here
    assert (two_places["there"].reference in text) is sees_there
    assert (organization.name in listing) is (status == 200)


def test_a_coordinator_may_not_verify(
    client: Client, two_places: dict[str, Any], facility: Facility
) -> None:
    client.force_login(member(facility, Role.IAC))
    url = reverse("organizations:verify", args=[two_places["organization"].public_id])

    assert client.post(url).status_code == 403


def test_the_list_query_count_does_not_grow(
    client: Client, pic_coordinator: User, django_assert_num_queries: Any
) -> None:
    client.force_login(pic_coordinator)
    url = reverse("organizations:list")
    Organization.objects.create(name="One", kind="nonprofit")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(8):
        verify_organization(
            organization=Organization.objects.create(name=f"Org {n}", kind="school"),
            by=pic_coordinator,
        )

    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_verification_step_shows_the_registry_status_and_links_it(
    client: Client, two_places: dict[str, Any], facility: Facility
) -> None:
    iac = member(facility, Role.IAC)
    application = screening.start_review(application=two_places["here"], by=iac)
    organization = two_places["organization"]
    client.force_login(iac)

    page = client.get(reverse("staff:application", args=[application.reference])).content.decode()

    assert "Organization verification" in page
    assert "In the registry" in page
    assert "Not verified yet" in page
    assert reverse("organizations:detail", args=[organization.public_id]) in page
