from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applications import age
from volunteers.sweep import run_daily


class Command(BaseCommand):
    help = (
        "The daily sweep: access expiry, contact eligibility, expiry reminders, inactivity, "
        "open kiosk visits, agreement reminders, suspension reviews, overdue information "
        "requests. Idempotent: a second run the same day does nothing. Run it once a "
        "day from cron or a systemd timer (see README)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", help="run as of this date (YYYY-MM-DD); default: today in Missouri"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else age.today()
        except ValueError as exc:
            raise CommandError("--date must look like 2026-11-23.") from exc
        summary = run_daily(today=today)
        if summary is None:
            self.stdout.write(f"The sweep for {today} already ran; nothing to do.")
            return
        details = ", ".join(f"{name}: {count}" for name, count in summary.items())
        self.stdout.write(self.style.SUCCESS(f"Sweep for {today} done ({details})."))
