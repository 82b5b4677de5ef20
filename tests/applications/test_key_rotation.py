"""Key rotation (issue 13 item 5): every identifier re-encrypted with the newest key, counted;
tested with two keys: encrypted under the old one, rotated, read with the new one alone."""

from collections.abc import Iterator
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test.utils import override_settings

from applications import crypto
from applications.models import Application, Person
from applications.services import HELD_IDENTIFIERS, PENDING, rotate_identifier_keys
from audit.models import AuditEvent
from facilities.models import Facility
from tests.factories import draft_application, submitted_application

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def fresh_fernet() -> Iterator[None]:
    crypto._fernet.cache_clear()
    yield
    crypto._fernet.cache_clear()


def _keys(*keys: str) -> override_settings:
    crypto._fernet.cache_clear()
    return override_settings(PIC_FIELD_ENCRYPTION_KEYS=list(keys))


def _with_dl(person: Person, number: str) -> None:
    Person.objects.filter(pk=person.pk).update(
        dl_number_encrypted=crypto.encrypt(number), dl_last4=number[-4:]
    )


def test_rotation_re_encrypts_with_the_new_key_and_counts(facility: Facility) -> None:
    with _keys(OLD):
        old = submitted_application(facility=facility).person
        _with_dl(old, "S12345678901")
        draft = draft_application(facility=facility, complete=False)
        held = {"ssn": crypto.encrypt("111223333")}
        draft.answers[PENDING] = {HELD_IDENTIFIERS: held}
        Application.objects.filter(pk=draft.pk).update(answers=draft.answers)
        before = Person.objects.get(pk=old.pk).updated_at
    with _keys(NEW, OLD):
        current = submitted_application(facility=facility).person  # already the new key
        unreadable = submitted_application(facility=facility).person
        Person.objects.filter(pk=unreadable.pk).update(
            ssn_encrypted=Fernet(Fernet.generate_key()).encrypt(b"999887777").decode()
        )
        Person.objects.create(email="no-identifiers@example.org")  # nothing to rotate
        out = StringIO()
        with pytest.raises(CommandError, match="1 rows could not be decrypted"):
            call_command("rotate_identifier_keys", stdout=out)

    # Three people with numbers and one draft holding one; the person without any is skipped.
    assert "Rows scanned: 4; re-encrypted: 2; already current: 1; failed: 1." in out.getvalue()
    with _keys(NEW):  # the old key retired: everything rotated reads with the new one alone
        person = Person.objects.get(pk=old.pk)
        assert crypto.decrypt(person.ssn_encrypted) == "123456789"
        assert crypto.decrypt(person.dl_number_encrypted) == "S12345678901"
        assert crypto.decrypt(Person.objects.get(pk=current.pk).ssn_encrypted) == "123456789"
        draft.refresh_from_db()
        assert crypto.decrypt(draft.answers[PENDING][HELD_IDENTIFIERS]["ssn"]) == "111223333"
        assert person.updated_at == before  # a rotation is no change of the person
        # The one no key opened is left as it was, for the operator to look into.
        unchanged = Person.objects.get(pk=unreadable.pk).ssn_encrypted
        assert not crypto.is_current(unchanged)
    event = AuditEvent.objects.get(action="applications.identifier_keys_rotated")
    assert event.details == {"scanned": 4, "reencrypted": 2, "current": 1, "failed": 1}
    assert event.actor_label == "manage.py rotate_identifier_keys"


def test_a_second_run_finds_everything_current(facility: Facility) -> None:
    with _keys(OLD):
        submitted_application(facility=facility)
    with _keys(NEW, OLD):
        first = rotate_identifier_keys(by="tests")
        second = rotate_identifier_keys(by="tests")

    assert (first.scanned, first.reencrypted, first.current) == (1, 1, 0)
    assert (second.scanned, second.reencrypted, second.current, second.failed) == (1, 0, 1, 0)
