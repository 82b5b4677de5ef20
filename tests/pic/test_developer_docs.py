"""`make run`: the demo logins and the outbox hint are the last thing printed before the
server starts, and the README says how to stop it and reset the demo (issue 8, item 26);
the LICENSE (item 27)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_nothing_is_printed_between_the_demo_and_the_server() -> None:
    dry = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # A recipe line continued with a backslash is one command (the worker and the server).
    commands = [line for line in dry.stdout.replace("\\\n", " ").splitlines() if line.strip()]
    assert commands[-1].endswith("manage.py runserver 127.0.0.1:8000")
    assert commands[-2].endswith("manage.py demo")
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    # make echoes a command line unless it is silenced with @: both must be.
    assert "\t@$(DEV_ENV) $(PY) manage.py demo" in recipe
    # The worker beside the server prints to var/worker.log, not between them.
    assert (
        "\t@$(DEV_ENV) $(PY) manage.py db_worker --no-reload --interval 0.5 >var/worker.log"
        in recipe
    )


@pytest.mark.django_db
def test_the_demo_ends_with_the_logins_and_the_outbox_hint() -> None:
    from facilities.models import Division, FacilityKind
    from tests.factories import FacilityFactory
    from tests.pic.test_demo import run_demo

    for code in ("ACC", "BCC", "CCC"):
        FacilityFactory.create(code=code)
    FacilityFactory.create(
        code="PP02", kind=FacilityKind.PROBATION_PAROLE_OFFICE, division=Division.PP
    )
    lines = run_demo("--force").strip().splitlines()
    assert "/dev/outbox/" in lines[-1]
    assert "pic@demo.test" in "\n".join(lines[-8:])


def test_the_readme_says_how_to_stop_and_reset() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Ctrl+C" in readme
    assert "make clean" in readme


def test_the_license_is_mit_and_the_readme_says_so() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert "PIC Portal contributors" in license_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme
    assert "LICENSE" in readme
