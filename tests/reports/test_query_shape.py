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
    assert sql.count("FILTER (WHERE") == 0
    # Trainings and TB tests are compared as dates kept on the grant
    # (volunteers.compliance_dates): no person's records are searched per request.
    assert 'FROM "volunteers_tbtest"' not in sql
    assert 'FROM "volunteers_trainingcompletion"' not in sql
    assert '"volunteers_facilityaccess"."tb_clear_until"' in sql
    # Agreements test the grant's person against the few unsigned rows, a set read once
    # (IN an uncorrelated subquery, hashed): neither every signature grouped by person nor
    # a subquery probing by the grant's person on every row (at bench scale that was
    # 45,000 index probes).
    assert 'FROM "volunteers_agreementsignature"' not in sql
    assert 'FROM "volunteers_unsignedagreement"' in sql
    assert '= ("volunteers_facilityaccess"."person_id")' not in sql
    assert '"volunteers_facilityaccess"."person_id" IN (SELECT' in sql


@pytest.mark.django_db
def test_postgresql_connections_have_no_jit() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
