from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from facilities.loading import LoadError, load_facilities

DEFAULT_CSV = Path(__file__).resolve().parents[2] / "data" / "facilities.csv"


class Command(BaseCommand):
    help = "Create or update the facility directory from a CSV (by code; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=str(DEFAULT_CSV), help="CSV file (default: the bundled one)"
        )

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as stream:
                report = load_facilities(stream, by="manage.py load_facilities")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text. Nothing was loaded.") from exc
        except LoadError as exc:
            raise CommandError(f"{path}, {exc}. Nothing was loaded.") from exc
        self.stdout.write(self.style.SUCCESS(f"Facilities: {report}."))
