"""Backups: the database and the private files in one dated archive, with a checksum.

An archive is an uncompressed tar (the database dump is compressed already, the files are
PDFs and images) holding:

    manifest.json        when, which database, the applied migrations, each table's row
                         count and each file's size and SHA-256
    database.dump        `pg_dump --format=custom` (PostgreSQL), or
    database.sqlite3     an online copy through SQLite's backup API
    files/<storage>/...  every file in the private storages, read through Django's storage
                         API (so local disks and object storage back up alike)

and `<archive>.sha256` beside it, in `sha256sum -c` format. Restoring checks the checksum,
refuses a database that already holds tables unless told to replace them, restores, puts the
files back and compares every table's row count with the manifest.

The keys (PIC_FIELD_ENCRYPTION_KEYS, PIC_IDENTIFIER_HASH_KEY) are NOT in the archive: a
stolen backup does not reveal identifiers, and a restore needs the keys kept elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# The storage that holds data (uploads, TB scans, signed agreements, certificates); static
# files are rebuilt by collectstatic and blank forms are rendered again. "default" holds
# nothing of ours, and on a disk it is the parent folder of "private": backing it up too
# would store every file twice.
BACKED_UP_STORAGES = ("private",)


class BackupError(Exception):
    pass


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


def _postgres_bindir() -> Path | None:
    """The newest local client tools: pg_dump must be at least the server's version."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_dump"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("pg_dump")
    return Path(found).parent if found else None


def _libpq_environment(alias_settings: dict[str, Any]) -> dict[str, str]:
    """The connection as libpq's environment: no password on a command line."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        value = alias_settings.get(key)
        if value:
            environment[variable] = str(value)
    return environment


def _tool(name: str) -> str:
    bindir = _postgres_bindir()
    if bindir is None or not (bindir / name).exists():
        raise BackupError(f"{name} was not found: install the postgresql-client package.")
    return str(bindir / name)


def _row_counts(cursor: Any, tables: list[str], quote: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        # Table names come from the database's own catalogue, quoted.
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def current_row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _row_counts(cursor, tables, connection.ops.quote_name)


def _walk(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from _walk(storage, f"{directory}/{sub}" if directory else sub)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _dump_database(target: Path) -> tuple[str, dict[str, int]]:
    """Write the database to `target`; returns the archive member's name and every table's
    row count as of the same instant (a live site writes sessions and audit rows while the
    backup runs: the counts must describe the dump, not the moment after)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            result = subprocess.run(  # noqa: S603 - our own arguments, no shell
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                ],
                env=_libpq_environment(connection.settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            tables = connection.introspection.table_names(cursor)
            return "database.dump", _row_counts(cursor, tables, connection.ops.quote_name)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            copied = copy.cursor()
            copied.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            tables = [row[0] for row in copied.fetchall()]
            counts = _row_counts(copied, tables, connection.ops.quote_name)
        finally:
            copy.close()
        return "database.sqlite3", counts
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def create_backup(directory: Path) -> Path:
    """Write one dated archive and its checksum file into `directory`; returns the archive."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive_path = directory / f"pic-portal-{stamp}.tar"
    applied = sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )
    with tempfile.TemporaryDirectory(prefix="pic-backup-") as work:
        dump = Path(work) / "database"
        member, rows = _dump_database(dump)
        files: list[dict[str, Any]] = []
        with tarfile.open(archive_path, "w") as archive:
            archive.add(dump, arcname=member)
            for alias in BACKED_UP_STORAGES:
                storage = storages[alias]
                for name in _walk(storage):
                    with storage.open(name, "rb") as handle:
                        data = handle.read()
                    _add_bytes(archive, f"files/{alias}/{name}", data)
                    files.append(
                        {
                            "storage": alias,
                            "name": name,
                            "size": len(data),
                            "sha256": hashlib.sha256(data).hexdigest(),
                        }
                    )
            manifest = {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "dump": member,
                "migrations": applied,
                "rows": rows,
                "files": files,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    archive_path.chmod(0o600)
    checksum = archive_path.with_name(archive_path.name + ".sha256")
    checksum.write_text(f"{_sha256(archive_path)}  {archive_path.name}\n")
    return archive_path


def read_manifest(archive_path: Path) -> dict[str, Any]:
    with tarfile.open(archive_path) as archive:
        member = archive.extractfile("manifest.json")
        if member is None:
            raise BackupError("The archive has no manifest.")
        return dict(json.load(member))


def verify_checksum(archive_path: Path) -> None:
    checksum = archive_path.with_name(archive_path.name + ".sha256")
    if not checksum.exists():
        raise BackupError(f"{checksum.name} is missing: the archive cannot be checked.")
    expected = checksum.read_text().split()[0]
    if _sha256(archive_path) != expected:
        raise BackupError("The archive does not match its checksum: it is damaged.")


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_database(archive: tarfile.TarFile, manifest: dict[str, Any], replace: bool) -> None:
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This is a {manifest['database']} backup; the configured database is "
            f"{connection.vendor}."
        )
    if not replace and not _database_is_empty():
        raise BackupError(
            "The database already holds tables. Restore into an empty database, or pass "
            "--replace to overwrite it."
        )
    with tempfile.TemporaryDirectory(prefix="pic-restore-") as work:
        archive.extract(manifest["dump"], work, filter="data")
        dump = Path(work) / manifest["dump"]
        if connection.vendor == "postgresql":
            command = [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
            ]
            if replace:
                command += ["--clean", "--if-exists"]
            connection.close()
            result = subprocess.run(  # noqa: S603 - our own arguments, no shell
                [*command, "--dbname", connection.settings_dict["NAME"], str(dump)],
                env=_libpq_environment(connection.settings_dict),
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def _restore_files(archive: tarfile.TarFile, manifest: dict[str, Any]) -> int:
    for entry in manifest["files"]:
        member = archive.extractfile(f"files/{entry['storage']}/{entry['name']}")
        if member is None:
            raise BackupError(f"{entry['name']} is missing from the archive.")
        data = member.read()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"{entry['name']} does not match its recorded checksum.")
        storage = storages[entry["storage"]]
        if storage.exists(entry["name"]):
            storage.delete(entry["name"])
        saved = storage.save(entry["name"], ContentFile(data))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {saved}.")
    return len(manifest["files"])


def restore_backup(archive_path: Path, *, replace: bool = False) -> Restored:
    verify_checksum(archive_path)
    manifest = read_manifest(archive_path)
    with tarfile.open(archive_path) as archive:
        _restore_database(archive, manifest, replace)
        files = _restore_files(archive, manifest)
    counts = current_row_counts()
    expected = manifest["rows"]
    # The restore itself writes nothing; any difference is a lost or extra row.
    different = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
    if different:
        raise BackupError(f"Row counts differ after the restore: {different}")
    return Restored(tables=len(expected), rows=sum(expected.values()), files=files)
