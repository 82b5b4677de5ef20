"""Agreements a person must have signed: the current version of each kind (DESIGN rule 3)."""

from datetime import date

from applications.models import Person
from volunteers.models import AgreementSignature, AgreementVersion


def unsigned_current(person: Person, on: date) -> list[AgreementVersion]:
    """The versions in effect on `on` that `person` has not signed, in kind order."""
    signed = AgreementSignature.objects.filter(person=person).values("version_id")
    return list(
        AgreementVersion.objects.in_effect(on).exclude(pk__in=signed).order_by("kind", "version")
    )
