"""A merge of two people (screening.services.merge_people) moves their standing here."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Person
from volunteers import compliance_dates
from volunteers.models import Ban, Enrollment, FacilityAccess, TBTest, TrainingCompletion
from volunteers.services.bans import standing_ban


@transaction.atomic
def move_standing(*, keep: Person, merge: Person) -> None:
    """Move `merge`'s grants, bans, trainings, TB tests and sign-ups to `keep`; a second
    standing ban is lifted, as `keep`'s ban stands for both."""
    FacilityAccess.objects.filter(person=merge).update(person=keep)
    if standing_ban(merge) and standing_ban(keep):
        Ban.objects.active().filter(person=merge).update(
            lifted_at=timezone.now(), lift_reason=_("Merged into another person's ban.")
        )
    Ban.objects.filter(person=merge).update(person=keep)
    # Trainings, TB tests and sign-ups hang off the person: deleting `merge` would cascade.
    TrainingCompletion.objects.filter(person=merge).update(person=keep)
    TBTest.objects.filter(person=merge).update(person=keep)
    kept_sessions = Enrollment.objects.filter(person=keep).values("session")
    Enrollment.objects.filter(person=merge).exclude(session__in=kept_sessions).update(person=keep)
    # The moved grants and `keep`'s own now read both people's records.
    compliance_dates.refresh(people=[keep.pk])
