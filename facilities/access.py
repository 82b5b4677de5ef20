"""The one map from roles to capabilities, and the guards every staff view wears.

- `facilities_for(user, cap)`: the facilities where `user` holds `cap`.
- `staff_required(cap)`: the user is a signed-in staff account holding `cap` somewhere.
- `facility_required(cap)`: the same, for a view of one facility named by `code` in the URL:
  a facility where the user holds no membership is a 404, one where the role lacks `cap` a 403.

Anonymous visitors go to the staff sign-in; a signed-in applicant gets 403.
Higher apps scope their querysets with `visible_to(user, cap)`, built on `facilities_for`.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from facilities.models import Facility, Membership, Role

PIC_COORDINATORS_GROUP = "PIC Coordinators"


class Capability(StrEnum):
    VIEW = "view"
    RECORD = "record"
    DECIDE = "decide"
    PROGRAM = "program"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.IAC: frozenset({Capability.VIEW, Capability.RECORD, Capability.DECIDE}),
    Role.SITE_COORDINATOR: frozenset({Capability.VIEW, Capability.RECORD, Capability.DECIDE}),
    Role.CHAPLAIN: frozenset({Capability.VIEW, Capability.RECORD}),
}
PIC_COORDINATOR_CAPABILITIES = frozenset(Capability)


def roles_with(cap: str) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if cap in caps]


def is_staff_account(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_usable_password())


def is_pic_coordinator(user: Any) -> bool:
    if not is_staff_account(user):
        return False
    cached = getattr(user, "_pic_is_coordinator", None)
    if cached is None:
        cached = user.groups.filter(name=PIC_COORDINATORS_GROUP).exists()
        user._pic_is_coordinator = cached
    return bool(cached)


def facilities_for(user: Any, cap: str) -> QuerySet[Facility]:
    """Return the facilities where `user` holds capability `cap` (all of them for PIC)."""
    if not is_staff_account(user):
        return Facility.objects.none()
    if is_pic_coordinator(user):
        return Facility.objects.all()
    return Facility.objects.filter(memberships__user=user, memberships__role__in=roles_with(cap))


def facility_ids_for(user: Any, cap: str) -> frozenset[int] | None:
    """The ids of facilities_for(user, cap) for a check in Python; None: every facility
    (the PIC Coordinator). Read from the guard's memberships when it holds them."""
    if is_pic_coordinator(user):
        return None
    if not is_staff_account(user):
        return frozenset()
    held = getattr(user, "_pic_memberships", None)
    if held is not None:
        roles = roles_with(cap)
        return frozenset(facility_id for facility_id, role in held if role in roles)
    return frozenset(facilities_for(user, cap).values_list("pk", flat=True))


def has_capability(user: Any, cap: str, facility: Facility | None = None) -> bool:
    """Whether `user` holds `cap` at `facility`, or at any facility when none is given."""
    if not is_staff_account(user):
        return False
    if is_pic_coordinator(user):
        return cap in PIC_COORDINATOR_CAPABILITIES
    held = getattr(user, "_pic_memberships", None)
    if held is not None:
        roles = roles_with(cap)
        return any(
            role in roles and (facility is None or facility_id == facility.pk)
            for facility_id, role in held
        )
    memberships = Membership.objects.filter(user=user, role__in=roles_with(cap))
    if facility is not None:
        memberships = memberships.filter(facility=facility)
    return memberships.exists()


def has_staff_role(user: Any) -> bool:
    """A staff account that reaches staff pages: a PIC Coordinator or a facility member."""
    if is_pic_coordinator(user):
        return True
    if not is_staff_account(user):
        return False
    held = getattr(user, "_pic_memberships", None)
    if held is not None:
        return bool(held)
    return Membership.objects.filter(user=user).exists()


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _hold_memberships(user: Any) -> None:
    """Read the user's memberships once for the request (a staff page asks has_capability
    several times): the guard's user object lives for one request only, so what it holds
    cannot go stale; elsewhere (a service, a test) every call still asks the database."""
    if is_staff_account(user) and not is_pic_coordinator(user):
        user._pic_memberships = list(
            Membership.objects.filter(user=user).values_list("facility_id", "role")
        )


def _deny_unless_staff(request: HttpRequest, cap: str) -> HttpResponse | None:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _hold_memberships(user)
    if not has_staff_role(user):
        raise PermissionDenied("This page is for PIC staff.")
    if not has_capability(user, cap):
        raise PermissionDenied("Your role does not allow this.")
    return None


def staff_required(cap: str) -> Callable[[View], View]:
    """Guard a staff view: sign-in for anonymous visitors, 403 without `cap` anywhere."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            denied = _deny_unless_staff(request, cap)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        wrapped.pic_guard = cap  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def facility_required(cap: str) -> Callable[[View], View]:
    """Guard a view of the facility named by `code`: 404 unless a member, 403 without `cap`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            denied = _deny_unless_staff(request, Capability.VIEW)
            if denied is not None:
                return denied
            facility = (
                Facility.objects.visible_to(request.user, Capability.VIEW).filter(code=code).first()
            )
            if facility is None:
                raise Http404("No such facility among yours.")
            if not has_capability(request.user, cap, facility):
                raise PermissionDenied("Your role does not allow this here.")
            return view(request, *args, facility=facility, **kwargs)

        wrapped.pic_guard = cap  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
