"""People: merging possible duplicates, or marking them as two people."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import services as app_services
from applications.models import (
    Application,
    EventKind,
    Person,
    PossibleDuplicate,
    Status,
)
from audit.services import record
from screening.services.errors import ScreeningError
from volunteers.models import FacilityAccess
from volunteers.services import move_standing

# People ---------------------------------------------------------------------------------


def merge_problems(keep: Person, merge: Person) -> list[str]:
    problems = []
    if keep.pk == merge.pk:
        problems.append(_("Choose two different people."))
    if keep.user_id and merge.user_id:
        problems.append(_("Both people have their own sign-in; they cannot be merged here."))
    kept_live = set(
        Application.objects.live().filter(person=keep).values_list("facility_id", "kind")
    )
    merged_live = set(
        Application.objects.live().filter(person=merge).values_list("facility_id", "kind")
    )
    if kept_live & merged_live:
        problems.append(_("Both hold a live application of the same kind at the same facility."))
    kept_grants = set(
        FacilityAccess.objects.live().filter(person=keep).values_list("facility_id", flat=True)
    )
    merged_grants = set(
        FacilityAccess.objects.live().filter(person=merge).values_list("facility_id", flat=True)
    )
    if kept_grants & merged_grants:
        problems.append(_("Both hold live access at the same facility."))
    return problems


@transaction.atomic
def merge_people(*, keep: Person, merge: Person, by: Any) -> Person:
    """Move `merge`'s applications, grants, bans and login to `keep`, then delete `merge`."""
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    merge = Person.objects.select_for_update().get(pk=merge.pk)
    problems = merge_problems(keep, merge)
    if problems:
        raise ScreeningError(" ".join(problems))
    moved_applications = list(
        Application.objects.filter(person=merge).values_list("reference", flat=True)
    )
    Application.objects.filter(person=merge).update(person=keep)
    duplicate_signatures = move_standing(keep=keep, merge=merge)
    for field in (
        "ssn_encrypted",
        "ssn_last4",
        "ssn_hash",
        "dl_number_encrypted",
        "dl_last4",
        "dl_hash",
        "dl_state",
        "email",
        "phone",
        "date_of_birth",
    ):
        if not getattr(keep, field) and getattr(merge, field):
            setattr(keep, field, getattr(merge, field))
    user = merge.user
    PossibleDuplicate.objects.involving(merge).delete()
    merge_label = str(merge)
    merge_id = str(merge.public_id)
    merge.delete()
    if user is not None and keep.user_id is None:
        keep.user = user
    keep.save()
    for application in Application.objects.filter(person=keep).exclude(status=Status.DRAFT):
        app_services.append_event(
            application,
            EventKind.NOTE,
            by=by,
            text=_("People merged: %(merged)s into %(kept)s.")
            % {"merged": merge_label, "kept": str(keep)},
        )
    record(
        by=by,
        action="screening.people_merged",
        target=keep,
        details={
            "merged": merge_id,
            "merged_label": merge_label,
            "applications": moved_applications,
            # Versions both had signed: the kept person's signature stands; the other's.
            "duplicate_signatures": duplicate_signatures,
        },
    )
    return keep


@transaction.atomic
def dismiss_duplicate(*, flag: PossibleDuplicate, by: Any) -> None:
    flag.dismissed_at = timezone.now()
    flag.dismissed_by = by if isinstance(by, User) else None
    flag.save(update_fields=["dismissed_at", "dismissed_by"])
    record(
        by=by,
        action="screening.duplicate_dismissed",
        target=flag.person,
        details={"other": str(flag.other.public_id)},
    )
