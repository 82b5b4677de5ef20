"""Issue 8 item 13: a volunteer downloads their own approval letter and badge sheet from
/account/access/: only their own grant (anyone else's is a 404), audited, never cached."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from facilities.models import Facility, Role
from tests.conftest import member
from tests.factories import FacilityFactory
from tests.volunteers.activation_helpers import active_grant, grant_at
from volunteers.models import AccessStatus, FacilityAccess

pytestmark = pytest.mark.django_db


def letter(grant: FacilityAccess) -> str:
    return reverse("volunteers_portal:approval_letter", args=[grant.pk])


def badge(grant: FacilityAccess) -> str:
    return reverse("volunteers_portal:badge", args=[grant.pk])


@pytest.mark.parametrize(("url", "document"), [(letter, "approval-letter"), (badge, "badge")])
def test_a_volunteer_downloads_their_own_document(
    client: Client, facility: Facility, iac: User, url: object, document: str
) -> None:
    grant = active_grant(facility, by=iac)
    client.force_login(grant.person.user)

    page = client.get(reverse("volunteers_portal:access")).content.decode()
    assert url(grant) in page  # type: ignore[operator]
    response = client.get(url(grant))  # type: ignore[operator]

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert grant.badge_number in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="screening.document_downloaded")
    assert event.actor_id == str(grant.person.user.pk)
    assert event.target_id == str(grant.pk)
    assert event.facility_code == facility.code
    assert event.details == {"document": document, "by_volunteer": True}


@pytest.mark.parametrize("url", [letter, badge])
def test_someone_elses_grant_is_404_and_not_audited(
    client: Client, facility: Facility, iac: User, url: object
) -> None:
    mine = active_grant(facility, by=iac)
    other_facility = FacilityFactory.create(code="OTH")
    theirs = active_grant(other_facility, by=member(other_facility, Role.IAC))
    client.force_login(mine.person.user)

    assert client.get(url(theirs)).status_code == 404  # type: ignore[operator]
    assert not AuditEvent.objects.filter(action="screening.document_downloaded").exists()


@pytest.mark.parametrize("url", [letter, badge])
def test_nothing_before_activation(
    client: Client, facility: Facility, iac: User, url: object
) -> None:
    pending = grant_at(facility, by=iac)
    client.force_login(pending.person.user)
    assert client.get(url(pending)).status_code == 404  # type: ignore[operator]
    page = client.get(reverse("volunteers_portal:access")).content.decode()
    assert "approval-letter.pdf" not in page


def test_no_badge_sheet_while_suspended_but_the_letter_stays(
    client: Client, facility: Facility, iac: User
) -> None:
    grant = active_grant(facility, by=iac)
    FacilityAccess.objects.filter(pk=grant.pk).update(status=AccessStatus.SUSPENDED)
    client.force_login(grant.person.user)

    assert client.get(badge(grant)).status_code == 404
    assert client.get(letter(grant)).status_code == 200
    page = client.get(reverse("volunteers_portal:access")).content.decode()
    assert badge(grant) not in page


@pytest.mark.parametrize("url", [letter, badge])
def test_guarded_for_staff_and_strangers(
    client: Client, facility: Facility, iac: User, url: object
) -> None:
    grant = active_grant(facility, by=iac)
    response = client.get(url(grant))  # type: ignore[operator]
    assert response.status_code == 302
    assert reverse("applications:sign_in") in response["Location"]
    client.force_login(iac)
    assert client.get(url(grant)).status_code == 403  # type: ignore[operator]
