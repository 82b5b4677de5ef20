"""`make setup` stops on a database migrated before the volunteers app existed (the
screening migrations were regenerated then), with what to do instead of a broken migrate."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.migrations.recorder import MigrationRecorder

from volunteers.management.commands.check_old_database import PREDATES, predates_volunteers

Recorded = MigrationRecorder.Migration


def _as_before_volunteers() -> None:
    """What a var/pic.sqlite3 migrated with the old screening 0001-0004 records."""
    Recorded.objects.filter(app="volunteers").delete()
    for name in ("0003_trainings_tb_activation", "0004_seed_courses"):
        Recorded.objects.create(app="screening", name=name)


@pytest.mark.django_db
def test_a_database_migrated_today_passes() -> None:
    assert not predates_volunteers()
    call_command("check_old_database")


@pytest.mark.django_db
def test_a_database_from_before_the_volunteers_app_is_refused_with_what_to_do() -> None:
    _as_before_volunteers()

    assert predates_volunteers()
    with pytest.raises(CommandError) as refused:
        call_command("check_old_database")
    assert str(refused.value) == PREDATES
    assert "run `make clean` and `make run` again" in PREDATES
    assert PREDATES.startswith("this database predates the volunteers app")


@pytest.mark.django_db
def test_the_current_screening_migrations_without_volunteers_are_not_mistaken() -> None:
    # Half-way through today's first migrate: screening's own rows, volunteers' not yet.
    Recorded.objects.filter(app="volunteers").delete()

    assert not predates_volunteers()


@pytest.mark.django_db
def test_once_volunteers_is_migrated_an_old_screening_row_does_not_stop_setup() -> None:
    Recorded.objects.create(app="screening", name="0003_trainings_tb_activation")

    assert not predates_volunteers()


def test_the_makefile_runs_the_check_before_migrating() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    setup = makefile[makefile.index("\nsetup:") :]
    assert setup.index("manage.py check_old_database") < setup.index("manage.py migrate")
