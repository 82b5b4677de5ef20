"""/healthz: the load balancer's and the monitor's check — the database answers, the task
queue is being worked, the daily sweep ran."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_templated_email
from applications.age import today
from volunteers.models import SweepRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def swept() -> None:
    SweepRun.objects.create(day=today())


@pytest.fixture
def queued(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_answers_ok_when_everything_answers(client: Client, swept: None) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["tasks"] == "ok"
    assert body["sweep"] == "ok"
    assert body["last_sweep"] == today().isoformat()
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in(client: Client) -> None:
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200  # not a redirect to the staff sign-in


def test_a_sweep_that_never_ran_or_ran_two_days_ago_is_degraded_but_serving(
    client: Client,
) -> None:
    assert client.get("/healthz").json()["sweep"] == "never"

    SweepRun.objects.create(day=today() - timedelta(days=2))
    response = client.get("/healthz")

    assert response.status_code == 200  # the web server still serves
    assert response.json()["status"] == "degraded"
    assert response.json()["sweep"] == "late"

    SweepRun.objects.create(day=today() - timedelta(days=1))
    assert client.get("/healthz").json()["sweep"] == "ok"


def test_a_task_waiting_longer_than_the_limit_marks_the_queue_late(
    client: Client, swept: None, queued: None, settings: Any
) -> None:
    settings.PIC_HEALTH_QUEUE_MAX_AGE = 600
    send_templated_email.enqueue(to=["a@example.org"], template="reminders", context={})
    fresh = client.get("/healthz").json()
    assert fresh["tasks"] == "ok"
    assert fresh["status"] == "ok"

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=11))
    late = client.get("/healthz").json()

    assert late["tasks"] == "late"
    assert late["status"] == "degraded"
    assert 650 < late["oldest_task_seconds"] < 700


def test_a_finished_task_does_not_count(client: Client, swept: None, queued: None) -> None:
    send_templated_email.enqueue(to=["a@example.org"], template="reminders", context={})
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - timedelta(hours=3), status="SUCCESSFUL"
    )

    assert client.get("/healthz").json()["tasks"] == "ok"


def test_healthz_is_503_when_the_database_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "cursor", broken)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "connection refused" not in response.content.decode()


def test_healthz_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


def test_security_txt_names_the_configured_contact(client: Client, settings: Any) -> None:
    settings.PIC_SECURITY_CONTACT = "security@doc.example.org"

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Contact: mailto:security@doc.example.org" in lines
    assert any(line.startswith("Expires: ") for line in lines)


def test_without_a_contact_security_txt_says_so_and_invents_none(
    client: Client, settings: Any
) -> None:
    settings.PIC_SECURITY_CONTACT = ""

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 404
    assert "Contact:" not in response.content.decode()
