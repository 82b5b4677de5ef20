"""/healthz: the load balancer's check that the application and its database answer."""

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in(client: Client) -> None:
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200  # not a redirect to the staff sign-in


def test_healthz_is_503_when_the_database_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(type(connections[DEFAULT_DB_ALIAS]), "cursor", broken)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] != "ok"
    assert "connection refused" not in response.content.decode()


def test_healthz_only_answers_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
