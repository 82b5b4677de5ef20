"""Identifiers at rest: revealing one to a coordinator (audited) and re-encrypting every one
with the newest key (DESIGN, Non-functional: encrypted at rest, every reveal audited)."""

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from applications import crypto
from applications.models import Application, Person
from applications.services.drafts import HELD_IDENTIFIERS, PENDING
from applications.services.errors import ApplicationError
from audit.services import record

# The identifiers a coordinator may reveal: the form's field name -> the encrypted column.
REVEALABLE = {"ssn": "ssn_encrypted", "dl_number": "dl_number_encrypted"}


class NothingToReveal(ApplicationError):
    """No such identifier is on file for the person."""


@transaction.atomic
def reveal_identifier(*, application: Application, field: str, reason: str, by: Any) -> str:
    """Return the person's full identifier `field` in plain text, recording in the security
    log who revealed whose, which one and why (never the value)."""
    person = Person.objects.get(pk=application.person_id)
    token = getattr(person, REVEALABLE[field])
    if not token:
        raise NothingToReveal(_("No such number is on file for this person."))
    try:
        value = crypto.decrypt(token)
    except crypto.InvalidToken:
        # Its key was retired without a rotation: say so rather than fail the page.
        raise NothingToReveal(
            _("This number cannot be read with the current keys; ask the applicant again.")
        ) from None
    record(
        by=by,
        action="applications.identifier_revealed",
        target=person,
        facility=application.facility,
        details={"field": field, "reason": reason, "application": application.reference},
    )
    return value


@dataclass
class RotationCounts:
    scanned: int = 0
    reencrypted: int = 0
    current: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        self.scanned += 1
        setattr(self, outcome, getattr(self, outcome) + 1)


def _rotated(tokens: dict[str, str]) -> tuple[str, dict[str, str]]:
    """("current" | "reencrypted" | "failed", the new tokens of those re-encrypted)."""
    changed = {}
    for name, token in tokens.items():
        if not token or crypto.is_current(token):
            continue
        try:
            changed[name] = crypto.rotate(token)
        except crypto.InvalidToken:
            return "failed", {}
    return ("reencrypted" if changed else "current"), changed


def _rotate_people(counts: RotationCounts, batch: int) -> None:
    people = (
        Person.objects.exclude(ssn_encrypted="", dl_number_encrypted="")
        .order_by("pk")
        .values_list("pk", *REVEALABLE.values())
    )
    for pk, ssn, dl in people.iterator(chunk_size=batch):
        outcome, changed = _rotated({"ssn_encrypted": ssn, "dl_number_encrypted": dl})
        if changed:
            # update(), not save(): a key rotation is no change of the person's answers. Only
            # if unchanged since read: a number saved meanwhile already has the newest key.
            unchanged = Person.objects.filter(pk=pk, ssn_encrypted=ssn, dl_number_encrypted=dl)
            if not unchanged.update(**changed):
                outcome = "current"
        counts.add(outcome)


def _rotate_held(counts: RotationCounts, batch: int) -> None:
    """Identifiers a draft holds while section 1 has errors (Fernet tokens in its answers)."""
    drafts = Application.objects.filter(answers__has_key=PENDING).order_by("pk")
    for application in drafts.only("pk", "answers").iterator(chunk_size=batch):
        held = application.answers.get(PENDING, {}).get(HELD_IDENTIFIERS)
        if not held:
            continue
        outcome, changed = _rotated(held)
        if changed:
            with transaction.atomic():
                locked = Application.objects.select_for_update().get(pk=application.pk)
                now = locked.answers.get(PENDING, {}).get(HELD_IDENTIFIERS, {})
                # Only the tokens still as read: one typed again meanwhile is already current.
                now.update({k: v for k, v in changed.items() if now.get(k) == held[k]})
                Application.objects.filter(pk=locked.pk).update(answers=locked.answers)
        counts.add(outcome)


def rotate_identifier_keys(*, by: Any, batch: int = 500) -> RotationCounts:
    """Re-encrypt every stored identifier with the newest key (the first of
    PIC_FIELD_ENCRYPTION_KEYS), counting the rows scanned, re-encrypted, already current and
    failed (no key opens them: left as they are); the run is audited."""
    counts = RotationCounts()
    _rotate_people(counts, batch)
    _rotate_held(counts, batch)
    record(by=by, action="applications.identifier_keys_rotated", details=asdict(counts))
    return counts
