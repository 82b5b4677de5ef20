"""People: the login behind a person, section 1, possible duplicates."""

import hashlib
import re
from typing import Any

from django.db import connection, transaction

from accounts.models import User
from applications import crypto
from applications import sections as S
from applications.models import (
    DuplicateReason,
    Language,
    Person,
    PossibleDuplicate,
)
from audit.services import record

# People ---------------------------------------------------------------------------------


@transaction.atomic
def person_for_login(*, user: User, language: str = "") -> Person:
    """The person behind an applicant login: linked on first sign-in (a paper applicant with
    exactly this e-mail and no login yet is linked), or created. A person created here
    prefers `language`, the one they were reading when they signed in for the first time."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    paper = (
        Person.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=user.email)
        .order_by("pk")
        .first()
    )
    if paper is not None:
        paper.user = user
        paper.save(update_fields=["user", "updated_at"])
        record(by=user, action="applications.login_linked_to_person", target=paper)
        return paper
    preferred = language if language in Language.values else Language.ENGLISH
    return Person.objects.create(user=user, email=user.email, preferred_language=preferred)


@transaction.atomic
def set_preferred_language(*, person: Person, language: str, by: Any) -> Person:
    """The language the person chose in the switcher becomes their stored preference: the
    one their pages open in at sign-in, and their e-mails, letters and PDFs are written in."""
    if language not in Language.values:
        raise ValueError(f"Unknown language {language!r}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.preferred_language != language:
        person.preferred_language = language
        person.save(update_fields=["preferred_language", "updated_at"])
        record(
            by=by,
            action="applications.language_changed",
            target=person,
            details={"language": language},
        )
    return person


@transaction.atomic
def prefill_identity(*, person: Person, values: dict[str, str], by: Any) -> Person:
    """Fill the person's empty contact fields (first and last name, e-mail, phone) from what
    they told us elsewhere, never overwriting an answer; section 1 then shows them."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    changed = []
    for name in ("first_name", "last_name", "email", "phone"):
        if values.get(name) and not getattr(person, name):
            setattr(person, name, values[name])
            changed.append(name)
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    return person


@transaction.atomic
def save_identity(*, person: Person, cleaned: dict[str, Any], by: Any) -> Person:
    """Write section 1 to the person; identifiers are encrypted, kept when left empty, and
    cleared when their "remove" box is ticked."""
    for name in S.IDENTITY_PERSON_FIELDS:
        setattr(person, name, cleaned.get(name, getattr(person, name)))
    # A number typed replaces the one on file; "remove" (with none typed) clears it.
    if cleaned.get("ssn_remove") and not cleaned.get("ssn"):
        person.ssn_encrypted = person.ssn_last4 = person.ssn_hash = ""
    if cleaned.get("dl_number_remove") and not cleaned.get("dl_number"):
        person.dl_number_encrypted = person.dl_last4 = person.dl_hash = ""
    if cleaned.get("ssn"):
        ssn = crypto.normalize_identifier(cleaned["ssn"])
        person.ssn_encrypted = crypto.encrypt(ssn)
        person.ssn_last4 = ssn[-4:]
        person.ssn_hash = crypto.identifier_hash("ssn", ssn)
    if cleaned.get("dl_number"):
        number = crypto.normalize_identifier(cleaned["dl_number"])
        person.dl_number_encrypted = crypto.encrypt(number)
        person.dl_last4 = number[-4:]
        person.dl_hash = crypto.identifier_hash(f"dl:{person.dl_state}", number)
    person.save()
    return person


def _normalized_name(person: Person) -> str:
    return re.sub(r"[^a-z]", "", f"{person.first_name}{person.last_name}".lower())


def _contradicts(a: str, b: str) -> bool:
    return bool(a and b and a != b)


def _duplicate_keys(person: Person) -> list[str]:
    keys = [f"ssn:{person.ssn_hash}"] if person.ssn_hash else []
    keys += [f"dl:{person.dl_hash}"] if person.dl_hash else []
    name = _normalized_name(person)
    if person.date_of_birth and name:
        keys.append(f"name:{name}:{person.date_of_birth.isoformat()}")
    return keys


def _serialize_duplicate_detection(keys: list[str]) -> None:
    """Let one transaction at a time look for and flag the duplicates of each key.

    Two people who match each other are flagged by both submissions; without this, each
    waits on the other's flag row. PostgreSQL: transaction-scoped advisory locks, taken in
    one sorted order so no two transactions wait on each other in a cycle. SQLite already
    runs one writer at a time.
    """
    if connection.vendor != "postgresql" or not keys:
        return
    ids = sorted(
        {
            int.from_bytes(
                hashlib.sha256(f"duplicates:{key}".encode()).digest()[:8], "big", signed=True
            )
            for key in keys
        }
    )
    with connection.cursor() as cursor:
        for lock_id in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


@transaction.atomic
def flag_possible_duplicates(*, person: Person) -> list[PossibleDuplicate]:
    """Flag people who may be `person` (DESIGN: Vocabulary, Person); never merge."""
    _serialize_duplicate_detection(_duplicate_keys(person))
    found: dict[int, str] = {}
    others = Person.objects.exclude(pk=person.pk)
    if person.ssn_hash:
        for pk in others.filter(ssn_hash=person.ssn_hash).values_list("pk", flat=True):
            found.setdefault(pk, DuplicateReason.SSN)
    if person.dl_hash:
        for pk in others.filter(dl_hash=person.dl_hash).values_list("pk", flat=True):
            found.setdefault(pk, DuplicateReason.DRIVER_LICENCE)
    name = _normalized_name(person)
    if person.date_of_birth and name:
        for other in others.filter(date_of_birth=person.date_of_birth):
            if _normalized_name(other) != name:
                continue
            if _contradicts(person.ssn_hash, other.ssn_hash) or _contradicts(
                person.dl_hash, other.dl_hash
            ):
                continue
            found.setdefault(other.pk, DuplicateReason.NAME_AND_BIRTH)
    flags = []
    for other_pk, reason in sorted(found.items()):  # one order for the flag rows too
        low, high = sorted([person.pk, other_pk])
        flag, _created = PossibleDuplicate.objects.get_or_create(
            person_id=low, other_id=high, defaults={"reason": reason}
        )
        flags.append(flag)
    return flags
