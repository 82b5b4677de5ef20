"""One structured line per request, with no personal data in it."""

import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_lines() -> Iterator[list[dict[str, object]]]:
    logger = logging.getLogger("pic.request")
    handler = Lines()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_each_request_logs_one_json_line_with_route_status_time_and_user(
    client: Client, request_lines: list[dict[str, object]], pic_coordinator: User
) -> None:
    client.get("/facilities/?q=Jefferson")
    client.force_login(pic_coordinator)
    client.get("/staff/")

    assert len(request_lines) == 2
    first, second = request_lines
    assert first["method"] == "GET"
    assert first["route"] == "/facilities/"
    assert first["status"] == 200
    assert first["user"] is None
    assert isinstance(first["ms"], float)
    assert second["user"] == pic_coordinator.pk


def test_the_line_names_the_pattern_not_the_address_with_its_token(
    client: Client, request_lines: list[dict[str, object]]
) -> None:
    client.get("/account/sign-in/secret-token-value/")
    client.get("/no/such/page/")

    logged = json.dumps(request_lines)
    assert "secret-token-value" not in logged
    assert "Jefferson" not in logged
    assert request_lines[-1]["route"] is None
    assert request_lines[-1]["status"] == 404
