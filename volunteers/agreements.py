"""Agreements a person must have signed: the current version of each kind (DESIGN rule 3).

Pure reads, shared by the activation gate, the roster, the clearance list, the sweep and
the volunteer's portal. The writes (publish, sign, record a paper signature) are in
volunteers.services.agreements.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Person
from facilities.models import ProgramSettings
from volunteers.models import AgreementSignature, AgreementVersion


def content_hash(text_en: str, text_es: str) -> str:
    """sha256 of the texts as published; each is length-prefixed so that no two different
    pairs of texts give the same input."""
    digest = hashlib.sha256()
    for text in (text_en, text_es):
        data = text.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def unsigned_current(person: Person, on: date) -> list[AgreementVersion]:
    """The versions in effect on `on` that `person` has not signed, in kind order."""
    signed = AgreementSignature.objects.filter(person=person).values("version_id")
    return list(
        AgreementVersion.objects.in_effect(on).exclude(pk__in=signed).order_by("kind", "version")
    )


def signable(person: Person, on: date) -> QuerySet[AgreementVersion]:
    """What the person may sign now: the current versions unsigned, and versions published
    to take effect later (signed ahead, they never come due)."""
    signed = AgreementSignature.objects.filter(person=person).values("version_id")
    upcoming = AgreementVersion.objects.filter(effective_on__gt=on).exclude(pk__in=signed)
    current = AgreementVersion.objects.in_effect(on).exclude(pk__in=signed)
    return (current | upcoming).order_by("kind", "version")


def to_sign(person: Person, on: date) -> list[AgreementVersion]:
    return list(signable(person, on))


def signing_deadline(version: AgreementVersion, days: int | None = None) -> date:
    """The last day to sign a version: the program's signing days from the later of its
    publication and its effective date."""
    if days is None:
        days = ProgramSettings.load().agreement_signing_days
    published = timezone.localdate(version.published_at) if version.published_at else None
    start = max(version.effective_on, published) if published else version.effective_on
    return start + timedelta(days=days)


@dataclass(frozen=True)
class Unsigned:
    """A current version one person has not signed, and the day it falls due."""

    version: AgreementVersion
    deadline: date

    def is_overdue(self, on: date) -> bool:
        return self.deadline < on

    def is_due_within(self, on: date, days: int) -> bool:
        return on <= self.deadline <= on + timedelta(days=days)


def unsigned_by_person(
    person_ids: Iterable[int], on: date, days: int | None = None
) -> dict[int, list[Unsigned]]:
    """For a list of people: each one's unsigned current versions with their deadlines.
    Three queries whatever the number of people (versions, settings unless `days` is
    given, signatures)."""
    ids = set(person_ids)
    if not ids:
        return {}
    # The texts are the bulk of a version's row and no list shows them.
    current = list(
        AgreementVersion.objects.in_effect(on)
        .defer("text_en", "text_es")
        .order_by("kind", "version")
    )
    if not current:
        return {}
    if days is None:
        days = ProgramSettings.load().agreement_signing_days
    signed = set(
        AgreementSignature.objects.filter(person_id__in=ids, version__in=current).values_list(
            "person_id", "version_id"
        )
    )
    out: dict[int, list[Unsigned]] = defaultdict(list)
    for person_id in ids:
        for version in current:
            if (person_id, version.pk) not in signed:
                out[person_id].append(Unsigned(version, signing_deadline(version, days)))
    return dict(out)


def overdue(person: Person, on: date) -> list[Unsigned]:
    return [u for u in unsigned_by_person([person.pk], on).get(person.pk, []) if u.is_overdue(on)]


def signed_text(signature: AgreementSignature) -> str:
    """The text the person signed, in the language they signed it in."""
    version = signature.version
    if signature.language == "es" and version.text_es:
        return version.text_es
    return version.text_en
