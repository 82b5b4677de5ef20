"""Upgrading: a database built by the previous release's migrations, with data in it, migrates
to the code at hand and its data is still there and still readable (identifiers decrypt,
statuses keep their meaning, hours keep their sums)."""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications import crypto
from pic.releases import PREVIOUS_RELEASE, RELEASES

pytestmark = pytest.mark.django_db(transaction=True)


def _targets() -> list[tuple[str, str]]:
    return list(RELEASES[PREVIOUS_RELEASE].items())


@pytest.fixture
def old_apps() -> Iterator[Any]:
    """The schema as the previous release left it; migrated back to the latest afterwards
    so the tests after this one find the database they expect."""
    executor = MigrationExecutor(connection)
    executor.migrate(_targets())
    yield executor.loader.project_state(_targets()).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_release_names_a_migration_that_exists() -> None:
    executor = MigrationExecutor(connection)
    for release, leaves in RELEASES.items():
        for app, name in leaves.items():
            assert (app, name) in executor.loader.graph.nodes, f"{release}: {app}.{name}"


def test_a_previous_release_database_with_data_migrates_to_this_release(old_apps: Any) -> None:
    Region = old_apps.get_model("facilities", "Region")
    Facility = old_apps.get_model("facilities", "Facility")
    User = old_apps.get_model("accounts", "User")
    Person = old_apps.get_model("applications", "Person")
    Application = old_apps.get_model("applications", "Application")
    FacilityAccess = old_apps.get_model("volunteers", "FacilityAccess")
    HourEntry = old_apps.get_model("volunteers", "HourEntry")
    now = timezone.now()

    region = Region.objects.get_or_create(name="Upgrade Region")[0]
    facility = Facility.objects.create(
        code="UPG",
        name="Upgrade Correctional Center",
        kind="adult_institution",
        division="DAI",
        region=region,
        status="open",
    )
    user = User.objects.create(email="upgrade@example.org")
    person = Person.objects.create(
        user=user,
        first_name="Ana",
        last_name="Upgrade",
        email="upgrade@example.org",
        date_of_birth=date(1980, 5, 1),
        ssn_encrypted=crypto.encrypt("123456789"),
        ssn_last4="6789",
        ssn_hash=crypto.identifier_hash("ssn", "123456789"),
    )
    application = Application.objects.create(
        reference="PIC-2026-900001",
        person=person,
        facility=facility,
        kind="volunteer",
        status="approved",
        access_level_requested="contact",
        program_area="education",
        answers={"identity": {"first_name": "Ana"}},
        submitted_at=now,
        decided_at=now,
    )
    grant = FacilityAccess.objects.create(
        person=person,
        facility=facility,
        application=application,
        kind="volunteer",
        level_approved="contact",
        status="active",
    )
    # The compliance dates and unsigned rows this release adds are filled from these.
    prea = old_apps.get_model("volunteers", "Course").objects.get(code="prea")
    old_apps.get_model("volunteers", "TrainingCompletion").objects.create(
        person=person, course=prea, completed_on=date(2026, 3, 31), hours=Decimal(1)
    )
    old_apps.get_model("volunteers", "TBTest").objects.create(
        person=person, tested_on=date(2026, 4, 2), result="negative", valid_until=date(2027, 4, 2)
    )
    version = old_apps.get_model("volunteers", "AgreementVersion").objects.create(
        kind="prea",
        version=1,
        title="PREA",
        text_en="Text.",
        effective_on=date(2026, 1, 5),
        content_hash="h",
    )
    for day in range(3):
        HourEntry.objects.create(
            person=person,
            facility=facility,
            access=grant,
            worked_on=date(2026, 11, 2) + timedelta(days=day),
            program_area="education",
            hours=Decimal("2.50"),
            source="staff",
            status="approved",
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from applications.models import Application as CurrentApplication
    from volunteers.models import FacilityAccess as CurrentAccess
    from volunteers.models import HourEntry as CurrentHourEntry

    upgraded = CurrentApplication.objects.select_related("person", "facility").get(
        reference="PIC-2026-900001"
    )
    assert upgraded.status == "approved"
    assert upgraded.facility.code == "UPG"
    assert crypto.decrypt(upgraded.person.ssn_encrypted) == "123456789"
    assert upgraded.answers == {"identity": {"first_name": "Ana"}}
    upgraded_grant = CurrentAccess.objects.get(application=upgraded)
    assert upgraded_grant.status == "active"
    assert (upgraded_grant.trainings_expire_on, upgraded_grant.training_missing) == (
        date(2027, 3, 31),
        False,
    )
    assert upgraded_grant.tb_clear_until == date(2027, 4, 2)
    from volunteers.models import UnsignedAgreement

    assert list(UnsignedAgreement.objects.values_list("person", "version")) == [
        (person.pk, version.pk)
    ]
    hours = CurrentHourEntry.objects.filter(person=upgraded.person)
    assert sum(entry.hours for entry in hours) == Decimal("7.50")
