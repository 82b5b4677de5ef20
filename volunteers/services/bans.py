"""Statewide bans: the PIC Coordinator bans and lifts; each audited."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import age
from applications.models import (
    Person,
)
from audit.services import record
from volunteers.errors import VolunteerError
from volunteers.models import (
    Ban,
)

# Bans -----------------------------------------------------------------------------------


def standing_ban(person: Person) -> Ban | None:
    return Ban.objects.active().filter(person=person).first()


@transaction.atomic
def ban_person(*, person: Person, by: Any, reason: str, banned_on: date | None = None) -> Ban:
    """Ban statewide (PIC Coordinator); audited. Refused when a ban already stands."""
    if not reason.strip():
        raise VolunteerError(_("Give the reason for the ban."))
    Person.objects.select_for_update().get(pk=person.pk)
    if standing_ban(person):
        raise VolunteerError(_("This person is already banned."))
    ban = Ban.objects.create(
        person=person,
        reason=reason.strip(),
        banned_on=banned_on or age.today(),
        banned_by=by if isinstance(by, User) else None,
    )
    record(by=by, action="screening.person_banned", target=person, details={"reason": reason})
    return ban


@transaction.atomic
def lift_ban(*, ban: Ban, by: Any, reason: str) -> Ban:
    if not reason.strip():
        raise VolunteerError(_("Give the reason for lifting the ban."))
    ban = Ban.objects.select_for_update().get(pk=ban.pk)
    if ban.lifted_at is not None:
        raise VolunteerError(_("This ban was already lifted."))
    ban.lifted_at = timezone.now()
    ban.lifted_by = by if isinstance(by, User) else None
    ban.lift_reason = reason.strip()
    ban.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record(by=by, action="screening.ban_lifted", target=ban.person, details={"reason": reason})
    return ban
