"""Writes to memberships and the PIC Coordinators group: facilities/services.py."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory

from accounts.models import User
from audit.models import AuditEvent
from facilities.access import PIC_COORDINATORS_GROUP
from facilities.admin import MembershipAdmin
from facilities.models import Facility, Membership, Role
from facilities.services import (
    MembershipError,
    assign_coordinator,
    make_pic_coordinator,
    remove_coordinator,
)
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_assign_coordinator_creates_an_audited_membership(facility: Facility) -> None:
    user = StaffUserFactory()

    membership = assign_coordinator(
        by="tests",
        user=user,
        facility=facility,
        role=Role.IAC,
        is_listed=True,
        public_title="Activities Coordinator",
    )

    assert Membership.objects.get(user=user, facility=facility) == membership
    assert (membership.role, membership.is_listed) == (Role.IAC, True)
    event = AuditEvent.objects.get(action="facilities.coordinator_assigned")
    assert event.actor_label == "tests"
    assert event.target_type == "accounts.user"
    assert event.target_id == str(user.pk)
    assert event.facility_code == facility.code
    assert event.details["before"] == {}
    assert event.details["after"]["role"] == Role.IAC
    assert event.details["after"]["public_title"] == "Activities Coordinator"


def test_assign_coordinator_records_the_acting_user(facility: Facility) -> None:
    actor = StaffUserFactory(pic_coordinator=True)

    assign_coordinator(by=actor, user=StaffUserFactory(), facility=facility, role=Role.IAC)

    event = AuditEvent.objects.get(action="facilities.coordinator_assigned")
    assert event.actor_id == str(actor.pk)
    assert event.actor_label == actor.email


def test_assign_coordinator_changes_a_membership(facility: Facility) -> None:
    user = StaffUserFactory()
    first = assign_coordinator(by="tests", user=user, facility=facility, role=Role.IAC)

    changed = assign_coordinator(by="tests", user=user, facility=facility, role=Role.CHAPLAIN)

    assert changed.pk == first.pk
    assert Membership.objects.get(user=user, facility=facility).role == Role.CHAPLAIN
    assert Membership.objects.filter(user=user).count() == 1
    event = AuditEvent.objects.get(action="facilities.coordinator_changed")
    assert event.details["before"]["role"] == Role.IAC
    assert event.details["after"]["role"] == Role.CHAPLAIN
    assert event.facility_code == facility.code


def test_reassigning_identical_values_writes_nothing(facility: Facility) -> None:
    user = StaffUserFactory()
    kwargs = {
        "user": user,
        "facility": facility,
        "role": Role.IAC,
        "is_listed": True,
        "public_title": "IAC",
        "public_phone": "+15737513911",
    }
    assign_coordinator(by="tests", **kwargs)
    events = AuditEvent.objects.count()

    assign_coordinator(by="tests", **kwargs)

    assert AuditEvent.objects.count() == events
    assert Membership.objects.filter(user=user).count() == 1


def test_assign_coordinator_refuses_an_account_without_a_password(facility: Facility) -> None:
    applicant = UserFactory()

    with pytest.raises(MembershipError):
        assign_coordinator(by="tests", user=applicant, facility=facility, role=Role.IAC)

    assert not Membership.objects.filter(user=applicant).exists()
    assert not AuditEvent.objects.filter(action__startswith="facilities.coordinator").exists()


def test_assign_coordinator_validates_public_contact(facility: Facility) -> None:
    user = StaffUserFactory()

    with pytest.raises(ValidationError):
        assign_coordinator(
            by="tests", user=user, facility=facility, role=Role.IAC, public_email="not an e-mail"
        )

    assert not Membership.objects.filter(user=user).exists()


def test_remove_coordinator_is_audited_and_keeps_the_account(facility: Facility) -> None:
    user = StaffUserFactory()
    membership = assign_coordinator(by="tests", user=user, facility=facility, role=Role.CHAPLAIN)

    remove_coordinator(by="tests", membership=membership)

    assert not Membership.objects.filter(user=user).exists()
    assert User.objects.filter(pk=user.pk).exists()
    event = AuditEvent.objects.get(action="facilities.coordinator_removed")
    assert event.target_id == str(user.pk)
    assert event.facility_code == facility.code
    assert event.details == {"role": Role.CHAPLAIN}


def test_make_pic_coordinator_adds_group_and_admin_access() -> None:
    user = StaffUserFactory()
    assert not user.is_staff

    make_pic_coordinator(by="tests", user=user)

    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name=PIC_COORDINATORS_GROUP).exists()
    event = AuditEvent.objects.get(action="facilities.pic_coordinator_granted")
    assert event.target_id == str(user.pk)
    assert event.actor_label == "tests"


def test_make_pic_coordinator_twice_writes_one_row() -> None:
    user = StaffUserFactory()
    make_pic_coordinator(by="tests", user=user)

    make_pic_coordinator(by="tests", user=user)

    assert AuditEvent.objects.filter(action="facilities.pic_coordinator_granted").count() == 1
    assert user.groups.count() == 1


def test_make_pic_coordinator_refuses_an_applicant_account() -> None:
    applicant = UserFactory()

    with pytest.raises(MembershipError):
        make_pic_coordinator(by="tests", user=applicant)

    applicant.refresh_from_db()
    assert not applicant.is_staff
    assert not applicant.groups.exists()
    assert not AuditEvent.objects.filter(action="facilities.pic_coordinator_granted").exists()


def test_the_pic_coordinators_group_exists_after_migrate() -> None:
    group = Group.objects.get(name=PIC_COORDINATORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"change_facility", "change_programsettings", "view_auditevent"} <= codenames
    # Memberships change only through the service; the audit log never changes.
    assert not codenames & {
        "add_membership",
        "change_membership",
        "delete_membership",
        "change_auditevent",
        "delete_auditevent",
        "add_auditevent",
        "delete_facility",
        "change_user",
        "add_user",
    }


def test_the_pic_coordinator_edits_reference_data_in_the_admin(
    client: Client, facility: Facility, pic_coordinator: User
) -> None:
    client.force_login(pic_coordinator)

    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/facilities/facility/{facility.pk}/change/").status_code == 200
    assert client.get("/admin/facilities/programsettings/1/change/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403


# The Membership admin is read-only


@pytest.fixture
def superuser() -> User:
    return StaffUserFactory(is_staff=True, is_superuser=True)


def test_membership_admin_is_read_only(superuser: User, iac: User) -> None:
    request = RequestFactory().get("/admin/facilities/membership/")
    request.user = superuser
    model_admin = MembershipAdmin(Membership, admin.site)
    membership = iac.memberships.get()

    assert model_admin.has_view_permission(request, membership) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, membership) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, membership) is False


def test_membership_admin_pages(client: Client, superuser: User, iac: User) -> None:
    client.force_login(superuser)
    membership = iac.memberships.get()

    assert client.get("/admin/facilities/membership/").status_code == 200
    assert client.get("/admin/facilities/membership/add/").status_code == 403
    response = client.post(
        f"/admin/facilities/membership/{membership.pk}/change/", {"role": Role.CHAPLAIN}
    )
    assert response.status_code == 403
    assert client.post(f"/admin/facilities/membership/{membership.pk}/delete/").status_code == 403
    assert Membership.objects.get(pk=membership.pk).role == Role.IAC


def test_facility_admin_never_deletes(client: Client, superuser: User, facility: Facility) -> None:
    client.force_login(superuser)

    response = client.post(f"/admin/facilities/facility/{facility.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Facility.objects.filter(pk=facility.pk).exists()


# The assign_coordinator command, until the staff page exists


def test_assign_coordinator_command(facility: Facility) -> None:
    user = StaffUserFactory()
    out = io.StringIO()

    call_command("assign_coordinator", user.email.upper(), "acc", "--role", "chaplain", stdout=out)

    assert Membership.objects.get(user=user, facility=facility).role == Role.CHAPLAIN
    assert AuditEvent.objects.filter(
        action="facilities.coordinator_assigned", actor_label="manage.py assign_coordinator"
    ).exists()

    call_command("assign_coordinator", user.email, "ACC", "--remove", stdout=out)
    assert not Membership.objects.filter(user=user).exists()


def test_assign_coordinator_command_refuses_an_applicant(facility: Facility) -> None:
    applicant = UserFactory()

    with pytest.raises(CommandError, match="password"):
        call_command("assign_coordinator", applicant.email, "ACC", stdout=io.StringIO())

    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org", "ACC"], "--create"),
        (["nobody@example.org", "NOPE"], "No facility"),
        (["nobody@example.org", "ACC", "--remove"], "holds no role"),
    ],
)
def test_assign_coordinator_command_errors(
    facility: Facility, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("assign_coordinator", *args, stdout=io.StringIO())
