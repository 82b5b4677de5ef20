"""The shape of the heavy report queries: what made them slow at bench scale must not
come back (each per-person subquery once per row, not once per count)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.reports.conftest import World
from tests.reports.helpers import url


def test_compliance_runs_each_per_person_subquery_once(client: Client, world: World) -> None:
    client.force_login(world.pic)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("compliance")).status_code == 200
    by_state = [q["sql"] for q in queries.captured_queries if '"tb_state"' in q["sql"]]
    assert len(by_state) == 1
    sql = by_state[0]
    # The latest TB test is looked up once per grant (it used to be inlined in six counts).
    assert sql.count('FROM "volunteers_tbtest"') == 1
    assert sql.count("FILTER (WHERE") == 0


@pytest.mark.django_db
def test_postgresql_connections_have_no_jit() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
