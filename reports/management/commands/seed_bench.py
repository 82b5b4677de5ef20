"""manage.py seed_bench [--scale 0.01] [--clear]: deterministic bench data at scale."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.bench import DEFAULTS, Seeder, clear


class Command(BaseCommand):
    help = (
        "Insert deterministic bench data (by default "
        + ", ".join(f"{count:,} {name}" for name, count in DEFAULTS.items())
        + "), or remove it with --clear."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every count (0.001 for tests)."
        )
        parser.add_argument(
            "--seed", type=int, default=2024, help="The random seed (same seed, same data)."
        )
        parser.add_argument(
            "--clear", action="store_true", help="Remove the bench people and their rows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        write = self.stdout.write
        if options["clear"]:
            clear(lambda text: write(text, ending=""))
            return
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        try:
            seeder = Seeder(
                scale=options["scale"],
                seed=options["seed"],
                write=lambda text: write(text, ending=""),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = seeder.run()
        self.stdout.write(
            self.style.SUCCESS("Seeded " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        )
