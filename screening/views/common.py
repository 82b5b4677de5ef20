from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from applications.actions import run_action
from applications.models import Application, Person
from facilities.access import Capability, has_capability

__all__ = ["run_action", "staff_application", "staff_person"]


def staff_application(request: HttpRequest, reference: str, cap: str) -> Application:
    """An application at one of the user's facilities (else 404) where they hold `cap`
    (else 403): the one way staff views fetch an application."""
    application = get_object_or_404(
        Application.objects.visible_to(request.user, Capability.VIEW).select_related(
            "person", "facility"
        ),
        reference=reference,
    )
    if not has_capability(request.user, cap, application.facility):
        raise PermissionDenied("Your role does not allow this here.")
    return application


def staff_person(request: HttpRequest, public_id: str) -> Person:
    """A person seen through an application at one of the user's facilities, else 404."""
    return get_object_or_404(
        Person.objects.visible_to(request.user, Capability.VIEW), public_id=public_id
    )
