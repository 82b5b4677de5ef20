from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from screening.retention import apply_retention, plan


class Command(BaseCommand):
    help = (
        "Anonymize declined and withdrawn applications older than the program settings' "
        "retention period (answers, documents, relationships, notes; the person's contact "
        "details and identifiers where nothing else of theirs is live). A dry run that only "
        "prints what it would change, unless --apply is given; the security audit log is "
        "never changed, and an applied run is recorded in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="make the changes (audited)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["apply"]:
            done = apply_retention(by="manage.py apply_retention --apply")
            for line in done.lines():
                self.stdout.write(line)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Anonymized {len(done.applications)} applications and the details of "
                    f"{len(done.people_cleared)} people."
                )
            )
            return
        planned = plan()
        for line in planned.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Dry run: would anonymize {len(planned.applications)} applications and the "
            f"details of {len(planned.people_cleared)} people. Run with --apply to do it."
        )
