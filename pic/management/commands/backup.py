from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pic.backups import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = (
        "Back up the database and the private files into one dated archive with a "
        "SHA-256 checksum beside it. The encryption keys are not included: keep them "
        "elsewhere (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="the directory to write the archive into (default var/backups)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = create_backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(archive)
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest['rows'])} tables ({rows} rows) and "
                f"{len(manifest['files'])} files to {archive}"
            )
        )
        self.stdout.write(f"Checksum: {archive}.sha256")
