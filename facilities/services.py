"""Writes to facilities, memberships and the PIC Coordinators group, each audited."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User
from accounts.sessions import end_all_sessions
from audit.services import record
from facilities.access import PIC_COORDINATORS_GROUP
from facilities.models import Facility, Membership

# What the PIC Coordinator may do in the Django admin: edit the reference data.
PIC_COORDINATOR_PERMISSIONS = {
    "facilities": [
        "view_facility",
        "change_facility",
        "view_programsettings",
        "change_programsettings",
        "view_membership",
        "view_region",
        "add_region",
        "change_region",
        "delete_region",
        "view_hourvalue",
        "add_hourvalue",
        "change_hourvalue",
    ],
    "audit": ["view_auditevent"],
    "screening": [
        "view_steprequirement",
        "add_steprequirement",
        "change_steprequirement",
        "delete_steprequirement",
    ],
    "volunteers": [
        "view_course",
        "add_course",
        "change_course",
        "view_facilityaccess",
        "view_trainingsession",
    ],
}


class MembershipError(Exception):
    """A membership change that cannot be made."""


def ensure_pic_coordinators_group() -> Group:
    """Create the PIC Coordinators group with its admin permissions (idempotent)."""
    group, _created = Group.objects.get_or_create(name=PIC_COORDINATORS_GROUP)
    wanted = Permission.objects.filter(
        content_type__app_label__in=PIC_COORDINATOR_PERMISSIONS.keys()
    )
    allowed = [
        perm
        for perm in wanted.select_related("content_type")
        if perm.codename in PIC_COORDINATOR_PERMISSIONS[perm.content_type.app_label]
    ]
    group.permissions.add(*allowed)
    return group


@transaction.atomic
def assign_coordinator(
    *,
    by: Any,
    user: User,
    facility: Facility,
    role: str,
    is_listed: bool = False,
    public_title: str = "",
    public_phone: str = "",
    public_email: str = "",
) -> Membership:
    """Give `user` a role at `facility` (or change it); audited."""
    if not user.has_usable_password():
        raise MembershipError("Coordinators need a staff account with a password.")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        facility=facility,
        defaults={"role": role},
    )
    fields = ["role", "is_listed", "public_title", "public_phone", "public_email"]
    before = {name: str(getattr(membership, name)) for name in fields}
    membership.role = role
    membership.is_listed = is_listed
    membership.public_title = public_title
    membership.public_phone = public_phone
    membership.public_email = public_email
    membership.full_clean()
    after = {name: str(getattr(membership, name)) for name in fields}
    if not created and after == before:
        return membership
    membership.save()
    record(
        by=by,
        action="facilities.coordinator_assigned" if created else "facilities.coordinator_changed",
        target=user,
        facility=facility,
        details={"before": {} if created else before, "after": after},
    )
    return membership


@transaction.atomic
def remove_coordinator(*, by: Any, membership: Membership) -> None:
    """End a coordinator's membership; the account stays. Audited.

    With their last membership gone, every session of theirs ends too: someone who has left
    the facility is signed out of the browser they left open, not merely refused page by page.
    """
    user = membership.user
    record(
        by=by,
        action="facilities.coordinator_removed",
        target=user,
        facility=membership.facility,
        details={"role": membership.role},
    )
    membership.delete()
    if not Membership.objects.filter(user=user).exists():
        end_all_sessions(user=user, by=by, reason="last_membership_removed")


@transaction.atomic
def make_pic_coordinator(*, by: Any, user: User) -> None:
    """Add `user` to the PIC Coordinators group, with admin access; audited."""
    if not user.has_usable_password():
        raise MembershipError("The PIC Coordinator needs a staff account with a password.")
    group = ensure_pic_coordinators_group()
    if user.groups.filter(pk=group.pk).exists() and user.is_staff:
        return
    user.groups.add(group)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    record(by=by, action="facilities.pic_coordinator_granted", target=user)
