from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pic.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into the configured database "
        "and storages: checks the checksum first and every table's row count after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar file written by manage.py backup")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite a database that already holds tables (default: refuse)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.exists():
            raise CommandError(f"{archive} does not exist.")
        try:
            restored = restore_backup(archive, replace=options["replace"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {restored.tables} tables ({restored.rows} rows) and "
                f"{restored.files} files from {archive}; every row count matches."
            )
        )
