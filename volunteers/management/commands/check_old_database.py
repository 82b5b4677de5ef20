from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

PREDATES = "this database predates the volunteers app: run `make clean` and `make run` again"


def predates_volunteers(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """A database migrated before the volunteers app existed: screening migrations are
    recorded that are no longer on disk (0003_trainings_tb_activation, 0004_seed_courses),
    and none of volunteers'. Its grants live in tables nothing reads any more."""
    connection = connections[alias]
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False  # a fresh database
    applied = set(recorder.applied_migrations())
    if any(app == "volunteers" for app, _name in applied):
        return False
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return any(app == "screening" and (app, name) not in on_disk for app, name in applied)


class Command(BaseCommand):
    help = (
        "Stop before `migrate` when the database predates the volunteers app (the screening "
        "migrations were regenerated then); `make setup` runs it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if predates_volunteers():
            raise CommandError(PREDATES)
