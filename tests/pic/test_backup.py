"""Backup and restore, proven: data is seeded, backed up, restored into a fresh PostgreSQL
cluster, and every row and file is found again, identifiers still decryptable with the keys
(which the archive does not hold)."""

import importlib.util
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from applications import crypto
from applications.models import ApplicationDocument, Person
from applications.services.people import save_identity
from facilities.models import Facility
from pic.backups import BackupError, read_manifest, verify_checksum
from tests.factories import applicant, submitted_application

ROOT = Path(__file__).resolve().parents[2]


def _with_postgres() -> object:
    spec = importlib.util.spec_from_file_location(
        "with_postgres", ROOT / "scripts/with_postgres.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _seed(facility: Facility) -> tuple[Person, bytes]:
    person = applicant(first_name="Rosa", last_name="Delgado")
    save_identity(
        person=person,
        cleaned={"ssn": "123-45-6789", "dl_number": "M123456789", "dl_state": "MO"},
        by=person.user,
    )
    # A student intern's application carries a school letter: a private file.
    application = submitted_application(facility=facility, person=person, kind="student_intern")
    document = ApplicationDocument.objects.filter(application=application).first()
    assert document is not None
    with document.file.open("rb") as handle:
        return person, handle.read()


def _archive(tmp_path: Path) -> Path:
    call_command("backup", output=str(tmp_path / "backups"))
    (archive,) = sorted((tmp_path / "backups").glob("pic-portal-*.tar"))
    return archive


@pytest.mark.django_db(transaction=True)
def test_an_archive_holds_the_database_the_files_and_a_checksum_but_no_keys(
    tmp_path: Path, facility: Facility
) -> None:
    _, letter = _seed(facility)

    archive = _archive(tmp_path)

    verify_checksum(archive)
    manifest = read_manifest(archive)
    assert manifest["database"] == connection.vendor
    assert manifest["rows"]["applications_person"] >= 1
    assert any(entry["size"] == len(letter) for entry in manifest["files"])
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        raw = b"".join(
            tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar.getmembers()
            if member.isfile()
        )
    assert manifest["dump"] in names
    assert any(name.startswith("files/private/applications/") for name in names)
    for secret in os.environ["PIC_FIELD_ENCRYPTION_KEYS"].split(","):
        assert secret.encode() not in raw
    assert b"123456789" not in raw  # the SSN only encrypted
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_restored(
    tmp_path: Path, facility: Facility
) -> None:
    _seed(facility)
    archive = _archive(tmp_path)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))

    with pytest.raises(BackupError, match="checksum"):
        verify_checksum(archive)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restoring_over_a_database_that_holds_tables_needs_replace(
    tmp_path: Path, facility: Facility
) -> None:
    _seed(facility)
    archive = _archive(tmp_path)

    with pytest.raises(CommandError, match="already holds tables"):
        call_command("restore", str(archive))


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "") == "" or "postgres" not in os.environ["DATABASE_URL"],
    reason="the restore into a fresh cluster runs in the PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_cluster_with_every_row_file_and_identifier(
    tmp_path: Path, facility: Facility
) -> None:
    person, letter = _seed(facility)
    archive = _archive(tmp_path)
    source_counts = read_manifest(archive)["rows"]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        live = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            live[table] = cursor.fetchone()[0]
    assert source_counts == live

    postgres = _with_postgres()
    bindir = postgres.find_bindir()  # type: ignore[attr-defined]
    media = tmp_path / "restored-media"
    with postgres.throwaway_cluster(bindir) as (_root, port):  # type: ignore[attr-defined]
        url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE restored")
        restored_url = url.rsplit("/", 1)[0] + "/restored"
        environment = {
            **os.environ,
            "DATABASE_URL": restored_url,
            "PIC_MEDIA_ROOT": str(media),
            "PIC_SKIP_DOTENV": "1",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "restore", str(archive)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "every row count matches" in result.stdout

        with psycopg.connect(restored_url) as restored:
            for table, count in source_counts.items():
                found = restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608
                assert found is not None
                assert found[0] == count, table
            row = restored.execute(
                "SELECT ssn_encrypted, dl_number_encrypted FROM applications_person WHERE id = %s",
                [person.pk],
            ).fetchone()
            names = [
                name
                for (name,) in restored.execute(
                    "SELECT file FROM applications_applicationdocument"
                ).fetchall()
            ]
    assert row is not None
    assert crypto.decrypt(row[0]) == "123456789"
    assert crypto.decrypt(row[1]) == "M123456789"
    restored_files = {name: (media / "private" / name).read_bytes() for name in names}
    assert letter in restored_files.values()
    for name in names:
        with ApplicationDocument.objects.get(file=name).file.open("rb") as original:
            assert restored_files[name] == original.read()
