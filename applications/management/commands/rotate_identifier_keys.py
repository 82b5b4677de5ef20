from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from applications.services import rotate_identifier_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored SSN and driver's license number with the newest key (the "
        "first of PIC_FIELD_ENCRYPTION_KEYS), then report the counts (audited). Run it after "
        "putting a new key first; retire an old key only once it reports 0 failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows read at a time")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        counts = rotate_identifier_keys(
            by="manage.py rotate_identifier_keys", batch=options["batch"]
        )
        self.stdout.write(
            f"Rows scanned: {counts.scanned}; re-encrypted: {counts.reencrypted}; "
            f"already current: {counts.current}; failed: {counts.failed}."
        )
        if counts.failed:
            # A failure means a token no configured key opens: keep the old keys until found.
            raise CommandError(f"{counts.failed} rows could not be decrypted with any key.")
