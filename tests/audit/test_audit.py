"""The append-only security audit log."""

from typing import Any

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory

from accounts.models import User
from audit.admin import AuditEventAdmin
from audit.context import client_ip, current_ip
from audit.models import AppendOnlyError, AuditEvent
from audit.services import record
from facilities.models import Facility
from tests.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> User:
    return StaffUserFactory.create(email="iac@doc.example.org")


@pytest.fixture
def event(staff: User) -> AuditEvent:
    return record(by=staff, action="tests.something", target=staff, details={"n": 1})


# Sign-in, failed sign-in and sign-out


def test_sign_in_is_recorded(client: Client, staff: User, clear_cache: None) -> None:
    response = client.post("/staff/login/", {"username": staff.email, "password": STAFF_PASSWORD})

    assert response.status_code == 302
    row = AuditEvent.objects.get(action="auth.sign_in")
    assert row.actor_id == str(staff.pk)
    assert row.actor_label == staff.email
    assert row.target_type == "accounts.user"
    assert row.target_id == str(staff.pk)
    assert row.ip_address == "127.0.0.1"


def test_failed_sign_in_is_recorded_without_the_password(
    client: Client, staff: User, clear_cache: None
) -> None:
    client.post("/staff/login/", {"username": staff.email, "password": "wrong-guess-12345"})

    row = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert row.actor_id == ""
    assert row.target_label == staff.email
    assert row.ip_address == "127.0.0.1"
    assert "wrong-guess-12345" not in repr(AuditEvent.objects.filter(pk=row.pk).values().get())
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()


def test_failed_sign_in_of_an_unknown_address_is_recorded(
    client: Client, clear_cache: None
) -> None:
    client.post("/staff/login/", {"username": "nobody@example.org", "password": "whatever-123"})

    assert AuditEvent.objects.get(action="auth.sign_in_failed").target_label == (
        "nobody@example.org"
    )


def test_sign_out_is_recorded(client: Client, staff: User) -> None:
    client.force_login(staff)

    response = client.post("/staff/logout/")

    assert response.status_code == 302
    row = AuditEvent.objects.get(action="auth.sign_out")
    assert row.actor_id == str(staff.pk)
    assert row.actor_label == staff.email
    assert row.ip_address == "127.0.0.1"


def test_sign_out_when_not_signed_in_records_nothing(client: Client) -> None:
    client.post("/staff/logout/")

    assert not AuditEvent.objects.filter(action="auth.sign_out").exists()


def test_the_address_is_remote_addr_not_a_forwarded_header(
    client: Client, staff: User, clear_cache: None
) -> None:
    client.post(
        "/staff/login/",
        {"username": staff.email, "password": STAFF_PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )

    assert AuditEvent.objects.get(action="auth.sign_in").ip_address == "10.1.2.3"


# record()


def test_record_copies_values_not_references(staff: User) -> None:
    facility = Facility.objects.create(
        code="ACC", name="Algoa", kind="adult_institution", division="DAI"
    )

    row = record(by="manage.py something", action="tests.x", target=staff, facility=facility)

    assert row.actor_id == ""
    assert row.actor_label == "manage.py something"
    assert (row.target_type, row.target_id, row.target_label) == (
        "accounts.user",
        str(staff.pk),
        str(staff),
    )
    assert row.facility_code == "ACC"
    assert row.facility_label == str(facility)
    assert list(AuditEvent.objects.for_target(staff)) == [row]


def test_record_takes_the_address_of_the_request_being_served(staff: User) -> None:
    token = current_ip.set("192.0.2.7")
    try:
        row = record(by=staff, action="tests.x")
    finally:
        current_ip.reset(token)

    assert row.ip_address == "192.0.2.7"
    assert record(by=staff, action="tests.y").ip_address is None


# No update or delete path


def test_queryset_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")

    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"


def test_queryset_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_saving_an_existing_row_is_refused(event: AuditEvent) -> None:
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()

    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.details = {"n": 2}
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["details"])

    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"
    assert AuditEvent.objects.get(pk=event.pk).details == {"n": 1}


def test_deleting_a_row_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_update_is_refused_by_the_database(event: AuditEvent) -> None:
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE {table} SET action = %s WHERE id = %s",  # noqa: S608
            ["tampered", event.pk],
        )

    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"


def test_raw_sql_delete_is_refused_by_postgresql(event: AuditEvent) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL has the DELETE trigger (SQLite's test flush needs DELETE)")
    table = AuditEvent._meta.db_table

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_insert_still_works() -> None:
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("when", action, actor_id, actor_label, target_type, '  # noqa: S608
            "target_id, target_label, facility_code, facility_label, details) "
            "VALUES (CURRENT_TIMESTAMP, %s, '', '', '', '', '', '', '', %s)",
            ["tests.raw_insert", "{}"],
        )

    assert AuditEvent.objects.filter(action="tests.raw_insert").exists()


# The admin


@pytest.fixture
def superuser() -> User:
    return StaffUserFactory.create(is_staff=True, is_superuser=True)


def test_admin_has_no_add_change_or_delete(superuser: User, event: AuditEvent) -> None:
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = superuser
    model_admin = admin.site._registry[AuditEvent]
    assert isinstance(model_admin, AuditEventAdmin)

    assert model_admin.has_view_permission(request, event) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, event) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_changelist_loads_for_a_superuser(
    client: Client, superuser: User, event: AuditEvent
) -> None:
    client.force_login(superuser)

    response = client.get("/admin/audit/auditevent/")

    assert response.status_code == 200
    assert b"tests.something" in response.content
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_change_page_cannot_change_a_row(
    client: Client, superuser: User, event: AuditEvent
) -> None:
    client.force_login(superuser)

    response = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "tampered"})

    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "tests.something"


# Rows copy values: deleting a user leaves them intact


def test_deleting_a_user_leaves_their_audit_rows(client: Client, clear_cache: None) -> None:
    user = StaffUserFactory.create()
    client.post("/staff/login/", {"username": user.email, "password": STAFF_PASSWORD})
    record(by="tests", action="tests.about_user", target=user)
    pk, email = user.pk, user.email
    rows: list[dict[str, Any]] = list(
        AuditEvent.objects.filter(target_id=str(pk)).order_by("id").values()
    )
    assert len(rows) == 2

    user.delete()

    assert not User.objects.filter(pk=pk).exists()
    assert list(AuditEvent.objects.filter(target_id=str(pk)).order_by("id").values()) == rows
    assert AuditEvent.objects.get(action="auth.sign_in").actor_label == email


def test_the_audit_model_has_no_foreign_keys() -> None:
    relations = [f.name for f in AuditEvent._meta.get_fields() if f.is_relation]

    assert relations == []


# Behind trusted proxies (PIC_TRUSTED_PROXIES): the address the proxy saw.


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # nginx on the same machine, the client's address appended by it.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # A forged first hop is skipped: the last hop not a proxy is what the proxy saw.
        ("127.0.0.1", "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # The load balancer, then nginx: both trusted, both skipped.
        ("127.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7"),
        # Not from a trusted proxy: the header is anyone's, ignored.
        ("198.51.100.2", "203.0.113.7", "198.51.100.2"),
        # No header, or a garbled one: the proxy's own address, never the text.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one(
    rf: Any, settings: Any, remote: str, forwarded: str, expected: str
) -> None:
    settings.PIC_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_a_sign_in_behind_the_proxy_is_audited_with_the_clients_address(
    client: Client, staff: User, settings: Any, clear_cache: None
) -> None:
    settings.PIC_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/staff/login/",
        {"username": staff.email, "password": STAFF_PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert AuditEvent.objects.get(action="auth.sign_in").ip_address == "203.0.113.7"
