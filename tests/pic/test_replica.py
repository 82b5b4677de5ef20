"""Report reads go to a real streaming replica; writes never do (pic/routers.py).

scripts/with_postgres.py starts a hot standby beside the throwaway primary
(`pg_basebackup -R`) and passes DATABASE_REPLICA_URL. The settings declare the replica a
test mirror of the default database, which in Django copies only the test database's NAME:
the connection still goes to the standby's host and port, and the runner neither creates
nor flushes it (a standby refuses both). Physical replication brings it the test database.
"""

import os
import time
from collections.abc import Iterator

import pytest
from django.conf import LazySettings, settings
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from applications.models import Application
from audit.models import AuditEvent
from facilities.models import Facility
from pic.routers import reading_reports
from tests.factories import submitted_application
from tests.pic.test_settings import production_env, run_python

HAS_REPLICA = "replica" in settings.DATABASES
pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "replica"] if HAS_REPLICA else ["default"]
)


@pytest.fixture
def replica(settings: LazySettings) -> Iterator[str]:
    """The replica alias, report reads routed to it; skipped on SQLite or without a standby."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (scripts/with_postgres.py starts one)")
    if not HAS_REPLICA:
        message = "no DATABASE_REPLICA_URL: run through scripts/with_postgres.py"
        if os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(f"{message} (REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    settings.PIC_REPORTS_DATABASE = "replica"
    yield "replica"
    connections["replica"].close()


def wait_for_replay(timeout: float = 20.0) -> None:
    """Wait until the standby has replayed every WAL record the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"the standby did not replay up to {target} in {timeout} s")
            time.sleep(0.05)


WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE", "ALTER", "DROP")


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(WRITE_VERBS)
    ]


def test_the_replica_is_a_standby_of_the_test_database(replica: str) -> None:
    with connections[replica].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()

    assert in_recovery is True
    assert name == connections["default"].settings_dict["NAME"]
    assert (
        connections[replica].settings_dict["PORT"] != connections["default"].settings_dict["PORT"]
    )


def test_a_report_reads_through_the_replica_what_the_primary_wrote(
    replica: str, client: Client, facility: Facility, pic_coordinator: User
) -> None:
    application = submitted_application(facility=facility)
    wait_for_replay()
    with reading_reports():
        assert Application.objects.filter(pk=application.pk).exists()  # read on the standby
    client.force_login(pic_coordinator)

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("reports:overview"))

    assert response.status_code == 200
    report_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "applications_application" in report_sql
    assert writes(on_replica) == []
    # Sign-in, session and the permission check ran on the primary; the figures did not.
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert "django_session" in primary_sql
    assert "applications_application" not in primary_sql


def test_a_csv_download_reads_the_replica_and_audits_on_the_primary(
    replica: str, client: Client, facility: Facility, pic_coordinator: User
) -> None:
    submitted_application(facility=facility)
    wait_for_replay()
    client.force_login(pic_coordinator)
    table = client.get(reverse("reports:overview")).context["tables"][0].slug

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("reports:csv", args=["overview", table]))
        b"".join(response.streaming_content)

    assert response.status_code == 200
    assert on_replica.captured_queries
    assert writes(on_replica) == []
    assert any("audit_auditevent" in sql for sql in writes(on_primary))
    assert AuditEvent.objects.using("default").filter(action="reports.downloaded").exists()


def test_a_row_read_on_the_replica_is_saved_to_the_primary(
    replica: str, facility: Facility
) -> None:
    application = submitted_application(facility=facility)
    wait_for_replay()
    with reading_reports():
        copy = Application.objects.get(pk=application.pk)
    assert copy._state.db == replica

    with CaptureQueriesContext(connections[replica]) as on_replica, reading_reports():
        copy.save(update_fields=["submitted_at"])
        facility.save(update_fields=["name"])

    assert writes(on_replica) == []
    assert router.db_for_write(Application, instance=copy) == "default"


def test_the_replica_alias_comes_from_the_environment() -> None:
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "r = settings.DATABASES['replica']\n"
        "print(json.dumps([r['PORT'], r['TEST']['MIRROR'], r['OPTIONS']['options'],"
        " settings.PIC_REPORTS_DATABASE]))"
    )
    result = run_python(
        code,
        production_env(
            DATABASE_URL="postgres://pic@db.internal:5432/pic",
            DATABASE_REPLICA_URL="postgres://pic@replica.internal:5433/pic",
        ),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[5433, "default", "-c jit=off", "replica"]'


def test_a_replica_without_a_primary_is_refused() -> None:
    result = run_python(
        "import django; django.setup()",
        production_env(DATABASE_URL=None, DATABASE_REPLICA_URL="postgres://pic@replica/pic"),
    )

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL is a replica of DATABASE_URL" in result.stderr
