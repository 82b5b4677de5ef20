"""A statewide ban, end to end: the PIC Coordinator bans and lifts, both audited (rule 2)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from applications.models import Status
from audit.models import AuditEvent
from facilities.models import Facility
from screening import services
from screening.services import GateClosed, approval_problems
from tests.screening.helpers import messages_of, page, queue_references, ready_for_approval
from volunteers.models import Ban

pytestmark = pytest.mark.django_db

BANNED = "The applicant is under a statewide ban."


def test_ban_end_to_end(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    iac: User,
    other_iac: User,
    pic_coordinator: User,
) -> None:
    here = ready_for_approval(facility, by=iac)
    person = here.person
    there = ready_for_approval(other_facility, by=other_iac, person=person, kind="reentry_partner")
    bystander = ready_for_approval(facility, by=iac)
    person_url = reverse("staff:person", args=[person.public_id])
    client.force_login(pic_coordinator)

    # The reason is required: the page again, with the error, and no ban.
    response = client.post(reverse("staff:ban", args=[person.public_id]), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in page(response)
    assert not Ban.objects.exists()

    response = client.post(
        reverse("staff:ban", args=[person.public_id]), {"reason": "Smuggled a phone in."}
    )
    assert response.status_code == 302
    assert response["Location"] == person_url
    ban = Ban.objects.get(person=person)
    assert (ban.reason, ban.banned_by, ban.lifted_at) == (
        "Smuggled a phone in.",
        pic_coordinator,
        None,
    )
    banned_audit = AuditEvent.objects.get(action="screening.person_banned")
    assert banned_audit.actor_id == str(pic_coordinator.pk)
    assert banned_audit.target_id == str(person.pk)
    assert banned_audit.details == {"reason": "Smuggled a phone in."}
    assert "Smuggled a phone in." in page(client.get(person_url))

    # Every queue shows the flag: the banned filter finds both of the person's applications.
    assert sorted(queue_references(client, flags="banned")) == sorted(
        [here.reference, there.reference]
    )
    client.force_login(iac)
    assert queue_references(client, flags="banned") == [here.reference]
    assert "Statewide ban" in page(client.get(reverse("staff:home"), {"flags": "banned"}))
    client.force_login(other_iac)
    assert queue_references(client, flags="banned") == [there.reference]

    # Approval is refused everywhere; the page says why.
    for application, by in ((here, iac), (there, other_iac)):
        assert approval_problems(application) == [BANNED]
        with pytest.raises(GateClosed):
            services.approve_application(application=application, by=by, level="no_contact")
    client.force_login(iac)
    response = client.post(reverse("staff:approve", args=[here.reference]), {"level": "contact"})
    assert response.status_code == 200
    assert BANNED in page(response)
    here.refresh_from_db()
    assert here.status == Status.IN_REVIEW
    assert approval_problems(bystander) == []

    # Lifting is the PIC Coordinator's own audited decision, with its reason.
    client.force_login(pic_coordinator)
    response = client.post(reverse("staff:lift_ban", args=[person.public_id]), {"reason": ""})
    assert response.status_code == 200
    assert Ban.objects.active().filter(person=person).exists()
    response = client.post(
        reverse("staff:lift_ban", args=[person.public_id]), {"reason": "Cleared on appeal."}
    )
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    assert (ban.lifted_by, ban.lift_reason) == (pic_coordinator, "Cleared on appeal.")
    lifted_audit = AuditEvent.objects.get(action="screening.ban_lifted")
    assert lifted_audit.actor_id == str(pic_coordinator.pk)
    assert lifted_audit.target_id == str(person.pk)
    assert lifted_audit.details == {"reason": "Cleared on appeal."}
    assert banned_audit.pk != lifted_audit.pk
    assert queue_references(client, flags="banned") == []
    assert approval_problems(here) == []
    assert approval_problems(there) == []
    # The lifted ban stays as history on the person page.
    html = page(client.get(person_url))
    assert "Cleared on appeal." in html

    # A second lift has nothing to lift.
    response = client.post(reverse("staff:lift_ban", args=[person.public_id]), {"reason": "Again."})
    assert response.status_code == 200
    assert "There is no ban to lift." in page(response)
    assert "There is no ban to lift." in messages_of(response)
    assert AuditEvent.objects.filter(action="screening.ban_lifted").count() == 1


def test_a_second_ban_is_refused(
    client: Client, facility: Facility, iac: User, pic_coordinator: User
) -> None:
    person = ready_for_approval(facility, by=iac).person
    services.ban_person(person=person, by=pic_coordinator, reason="First.")
    client.force_login(pic_coordinator)

    response = client.post(reverse("staff:ban", args=[person.public_id]), {"reason": "Second."})

    assert response.status_code == 200
    assert "This person is already banned." in page(response)
    assert "This person is already banned." in messages_of(response)
    assert Ban.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("role", ["iac", "site_coordinator", "chaplain"])
def test_a_coordinator_cannot_ban_or_lift(
    client: Client,
    facility: Facility,
    iac: User,
    pic_coordinator: User,
    role: str,
    request: pytest.FixtureRequest,
) -> None:
    person = ready_for_approval(facility, by=iac).person
    client.force_login(request.getfixturevalue(role))

    response = client.post(reverse("staff:ban", args=[person.public_id]), {"reason": "Mine."})
    assert response.status_code == 403
    assert not Ban.objects.exists()

    services.ban_person(person=person, by=pic_coordinator, reason="Contraband.")
    response = client.post(reverse("staff:lift_ban", args=[person.public_id]), {"reason": "Mine."})
    assert response.status_code == 403
    assert Ban.objects.active().filter(person=person).exists()
    # The person page shows the ban but offers a coordinator no ban form.
    html = page(client.get(reverse("staff:person", args=[person.public_id])))
    assert "Contraband." in html
    assert reverse("staff:lift_ban", args=[person.public_id]) not in html
