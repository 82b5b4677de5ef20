"""The first PIC Coordinator of a new installation, created from the command line."""

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.models import AuditEvent
from facilities.access import is_pic_coordinator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _run(monkeypatch: pytest.MonkeyPatch, *args: str, password: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_pic_coordinator", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_staff_account_in_the_statewide_group_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = _run(
        monkeypatch, "Chief@Example.org", "--first-name", "Pat", password="a long enough passphrase"
    )

    user = User.objects.get(email="chief@example.org")
    assert user.check_password("a long enough passphrase")
    assert is_pic_coordinator(user)
    assert "PIC Coordinator" in output
    assert AuditEvent.objects.filter(action="facilities.pic_coordinator_granted").count() == 1


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError, match="too short"):
        _run(monkeypatch, "chief@example.org", password="short")

    assert not User.objects.filter(email="chief@example.org").exists()


def test_an_applicants_account_cannot_become_one(monkeypatch: pytest.MonkeyPatch) -> None:
    applicant: Any = UserFactory.create(email="applicant@example.org")
    applicant.set_unusable_password()
    applicant.save()

    with pytest.raises(CommandError, match="applicant"):
        _run(monkeypatch, "applicant@example.org", password="irrelevant")
    assert not is_pic_coordinator(User.objects.get(pk=applicant.pk))


def test_running_it_twice_changes_nothing_more(monkeypatch: pytest.MonkeyPatch) -> None:
    _run(monkeypatch, "chief@example.org", password="a long enough passphrase")
    _run(monkeypatch, "chief@example.org", password="")

    assert AuditEvent.objects.filter(action="facilities.pic_coordinator_granted").count() == 1
