"""A merge of two people (screening.services.merge_people) moves their standing here."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Person
from volunteers import compliance_dates
from volunteers.models import (
    AgreementSignature,
    Ban,
    Enrollment,
    FacilityAccess,
    HourEntry,
    HourMonth,
    TBTest,
    TrainingCompletion,
)
from volunteers.services.bans import standing_ban


@transaction.atomic
def move_standing(*, keep: Person, merge: Person) -> list[dict[str, Any]]:
    """Move `merge`'s grants, bans, trainings, TB tests, sign-ups, hours and signatures to
    `keep`; a second standing ban is lifted, as `keep`'s ban stands for both.

    A version both people signed keeps `keep`'s signature: the database holds one per
    person and version. The other is returned, described, for the merge's audit record
    (the security log is the lasting record of it), and removed."""
    FacilityAccess.objects.filter(person=merge).update(person=keep)
    if standing_ban(merge) and standing_ban(keep):
        Ban.objects.active().filter(person=merge).update(
            lifted_at=timezone.now(), lift_reason=_("Merged into another person's ban.")
        )
    Ban.objects.filter(person=merge).update(person=keep)
    # Everything below hangs off the person: deleting `merge` would cascade, or be refused
    # (hours and signatures are protected).
    TrainingCompletion.objects.filter(person=merge).update(person=keep)
    TBTest.objects.filter(person=merge).update(person=keep)
    kept_sessions = Enrollment.objects.filter(person=keep).values("session")
    Enrollment.objects.filter(person=merge).exclude(session__in=kept_sessions).update(person=keep)
    HourEntry.objects.filter(person=merge).update(person=keep)
    HourMonth.objects.filter(person=merge).update(person=keep)  # the grant's own cells
    twice = AgreementSignature.objects.filter(
        person=merge, version__in=AgreementSignature.objects.filter(person=keep).values("version")
    )
    dropped = [
        {
            "version": signature.version_id,
            "signed_name": signature.signed_name,
            "signed_on": signature.signed_on.isoformat(),
            "version_hash": signature.version_hash,
            "on_behalf": signature.on_behalf,
            "scan": signature.scan.name,
        }
        for signature in twice
    ]
    twice.delete()
    AgreementSignature.objects.filter(person=merge).update(person=keep)
    # The moved grants and `keep`'s own now read both people's records.
    compliance_dates.refresh(people=[keep.pk])
    return dropped
