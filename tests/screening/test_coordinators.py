"""Coordinator assignment: the PIC Coordinator adds one (creating the staff account, which
sets its own password from an e-mailed link) and removes one, each audited."""

import re
from typing import Any

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from facilities.models import Facility, Membership, Role
from tests.conftest import member
from tests.factories import UserFactory
from tests.screening.helpers import messages_of, page

pytestmark = pytest.mark.django_db

NEW_EMAIL = "Robin.Hale@DOC.example.org"
NEW_PASSWORD = "a-long-new-password-for-robin-42"


def add(client: Client, facility: Facility, email: str = NEW_EMAIL, **more: str) -> HttpResponse:
    return client.post(
        reverse("staff:coordinators", args=[facility.code]),
        {"email": email, "first_name": "Robin", "last_name": "Hale", "role": Role.IAC, **more},
    )


def test_adding_a_new_coordinator_end_to_end(
    client: Client,
    facility: Facility,
    pic_coordinator: User,
    clear_cache: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pic_coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, facility, is_listed="on", public_title="IAC")

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:coordinators", args=[facility.code])
    user = User.objects.get(email__iexact=NEW_EMAIL)
    assert user.email == NEW_EMAIL.lower()
    assert (user.first_name, user.last_name) == ("Robin", "Hale")
    assert user.has_usable_password()  # random, known to nobody
    membership = Membership.objects.get(user=user)
    assert (membership.facility, membership.role, membership.is_listed) == (
        facility,
        Role.IAC,
        True,
    )
    actions = set(
        AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"accounts.staff_account_created", "facilities.coordinator_assigned"} <= actions
    for action in ("accounts.staff_account_created", "facilities.coordinator_assigned"):
        row = AuditEvent.objects.get(action=action, target_id=str(user.pk))
        assert (row.actor_id, row.facility_code) == (str(pic_coordinator.pk), facility.code)
    listing = client.get(response["Location"])
    assert user.email in page(listing)
    assert "Robin Hale is now a coordinator here." in messages_of(listing)

    # The e-mail carries a one-time link to set the password.
    (welcome,) = mail.outbox
    assert welcome.to == [user.email]
    assert welcome.subject == "Your PIC Portal staff account"
    assert facility.name in welcome.body
    found = re.search(r"(/staff/password/set/[\w-]+/[\w-]+/)", welcome.body)
    assert found, welcome.body
    client.logout()

    form = client.get(found.group(1), follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else found.group(1)
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:password_set_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(found.group(1), follow=True)
    assert "new_password1" not in page(again)

    response = client.post(
        reverse("staff:login"), {"username": user.email, "password": NEW_PASSWORD}
    )
    # Signed in with the new password; a new account's next step is enrolling its
    # authenticator (MFA is required for every staff account), then its queue.
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('staff:mfa')}?next=%2Fstaff%2F"
    assert client.get(reverse("staff:home")).status_code == 302  # not before the second step
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.get(reverse("staff:mfa_setup"))  # the QR code's page makes the pending device
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    enrolled = client.post(reverse("staff:mfa_setup"), {"token": f"{code:06d}"})
    assert enrolled.status_code == 302
    assert client.get(reverse("staff:home")).status_code == 200
    assert client.get(reverse("staff:facility", args=[facility.code])).status_code == 200


def test_an_existing_staff_account_gets_the_role_without_a_new_account(
    client: Client,
    facility: Facility,
    other_facility: Facility,
    other_iac: User,
    pic_coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(pic_coordinator)
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = add(client, facility, email=other_iac.email)

    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert set(Membership.objects.filter(user=other_iac).values_list("facility", flat=True)) == {
        facility.pk,
        other_facility.pk,
    }
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="accounts.staff_account_created").exists()


def test_an_applicants_address_is_refused(
    client: Client, facility: Facility, pic_coordinator: User
) -> None:
    applicant = UserFactory.create(email="pat.applicant@example.org")
    client.force_login(pic_coordinator)

    response = add(client, facility, email="Pat.Applicant@example.org")

    assert response.status_code == 200
    assert (
        "This address belongs to an applicant&#x27;s account; use a work address instead."
        in page(response)
    )
    assert 'value="Robin"' in page(response)
    assert not Membership.objects.filter(user=applicant).exists()
    applicant.refresh_from_db()
    assert not applicant.has_usable_password()


def test_removing_a_coordinator_is_audited_and_ends_their_staff_pages(
    client: Client, facility: Facility, iac: User, pic_coordinator: User
) -> None:
    membership = Membership.objects.get(user=iac)
    client.force_login(pic_coordinator)

    response = client.post(reverse("staff:remove_coordinator", args=[facility.code, membership.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    row = AuditEvent.objects.get(action="facilities.coordinator_removed")
    assert (row.actor_id, row.target_id, row.facility_code) == (
        str(pic_coordinator.pk),
        str(iac.pk),
        facility.code,
    )
    assert row.details == {"role": Role.IAC}
    iac.refresh_from_db()
    assert iac.is_active  # the account stays
    assert iac.has_usable_password()

    client.force_login(iac)
    for url in (
        reverse("staff:home"),
        reverse("staff:facilities"),
        reverse("staff:facility", args=[facility.code]),
        reverse("staff:paper_application", args=[facility.code]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_removal_at_another_facility_is_not_found(
    client: Client, facility: Facility, other_facility: Facility, pic_coordinator: User
) -> None:
    elsewhere = Membership.objects.get(user=member(other_facility, Role.CHAPLAIN))
    client.force_login(pic_coordinator)

    response = client.post(reverse("staff:remove_coordinator", args=[facility.code, elsewhere.pk]))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize("role", ["iac", "site_coordinator", "chaplain"])
def test_a_coordinator_cannot_open_the_page(
    client: Client, facility: Facility, role: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(role))
    url = reverse("staff:coordinators", args=[facility.code])

    assert client.get(url).status_code == 403
    assert add(client, facility).status_code == 403
    assert not User.objects.filter(email__iexact=NEW_EMAIL).exists()
