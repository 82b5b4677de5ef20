"""The grant an approval creates: screening's approval calls create_grant."""

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications import age
from applications.models import Application
from applications.services import actor_label
from volunteers import compliance_dates
from volunteers.errors import GateClosed
from volunteers.models import (
    AccessCheck,
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    CheckOutcome,
    FacilityAccess,
)


class CheckLike(Protocol):
    """An application's background check as screening hands it over (never imported)."""

    pk: Any
    check_type: str
    run_on: date
    outcome: str
    reference: str
    performed_by: str


def holds_live_access(application: Application) -> bool:
    """Whether the applicant already holds live access at the application's facility."""
    return (
        FacilityAccess.objects.live()
        .filter(person=application.person, facility=application.facility)
        .exists()
    )


@transaction.atomic
def create_grant(
    *,
    application: Application,
    level: str,
    by: Any,
    checks: Iterable[CheckLike] = (),
) -> FacilityAccess:
    """The pending grant of an application just approved at `level`; its first event.
    The application's current cleared background `checks` are copied onto the grant, so a
    renewal sees them. GateClosed when another of the person's applications at that
    facility won the race."""
    try:
        with transaction.atomic():
            grant = FacilityAccess.objects.create(
                person=application.person,
                facility=application.facility,
                application=application,
                kind=application.kind,
                level_approved=level,
                status_since=age.today(),
            )
    except IntegrityError:
        # Another application of this person at this facility was approved at this moment.
        raise GateClosed(
            [_("The applicant already holds access at this facility: renew or change it.")]
        ) from None
    AccessCheck.objects.bulk_create(
        AccessCheck(
            access=grant,
            check_type=check.check_type,
            run_on=check.run_on,
            outcome=check.outcome,
            reference=check.reference,
            performed_by=check.performed_by,
            from_application_check=check.pk,
            recorded_by=by if isinstance(by, User) else None,
        )
        for check in checks
        if check.outcome == CheckOutcome.CLEARED
    )
    AccessEvent.objects.create(
        access=grant,
        kind=AccessEventKind.CREATED,
        actor=by if isinstance(by, User) else None,
        actor_label=actor_label(by),
        to_status=AccessStatus.PENDING_ACTIVATION,
        text=_("Created by approval of %(reference)s.") % {"reference": application.reference},
    )
    compliance_dates.refresh(grants=[grant.pk])
    return grant
