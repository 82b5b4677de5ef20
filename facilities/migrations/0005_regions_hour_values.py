"""Regions become a table of their own (a facility's region chosen from it), and the value
of a volunteer hour becomes a table by year that takes over the single program setting."""

from decimal import Decimal
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

INDEPENDENT_SECTOR = "Independent Sector, value of volunteer time (national, 2024)"


def forwards(apps: Any, schema_editor: Any) -> None:
    Facility = apps.get_model("facilities", "Facility")
    Region = apps.get_model("facilities", "Region")
    ProgramSettings = apps.get_model("facilities", "ProgramSettings")
    HourValue = apps.get_model("facilities", "HourValue")
    for name in Facility.objects.exclude(region="").values_list("region", flat=True).distinct():
        region, _created = Region.objects.get_or_create(name=name.strip())
        Facility.objects.filter(region=name).update(region_ref=region)
    row = ProgramSettings.objects.filter(pk=1).first()
    rate = row.volunteer_hour_value if row is not None else Decimal("34.79")
    HourValue.objects.get_or_create(year=2024, defaults={"rate": rate, "source": INDEPENDENT_SECTOR})


def backwards(apps: Any, schema_editor: Any) -> None:
    Facility = apps.get_model("facilities", "Facility")
    ProgramSettings = apps.get_model("facilities", "ProgramSettings")
    HourValue = apps.get_model("facilities", "HourValue")
    for facility in Facility.objects.exclude(region_ref=None).select_related("region_ref"):
        facility.region = facility.region_ref.name
        facility.save(update_fields=["region"])
    latest = HourValue.objects.order_by("-year").first()
    if latest is not None:
        ProgramSettings.objects.filter(pk=1).update(volunteer_hour_value=latest.rate)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0004_volunteer_services_phone"),
    ]

    operations = [
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="HourValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(unique=True)),
                ("rate", models.DecimalField(decimal_places=2, max_digits=6, verbose_name="value of an hour (USD)")),
                ("source", models.CharField(max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "value of a volunteer hour",
                "verbose_name_plural": "values of a volunteer hour",
                "ordering": ["-year"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("rate__gt", 0)), name="hour_value_positive")
                ],
            },
        ),
        migrations.AddField(
            model_name="facility",
            name="region_ref",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="facilities.region",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="facility", name="region"),
        migrations.RenameField(model_name="facility", old_name="region_ref", new_name="region"),
        migrations.AlterField(
            model_name="facility",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="facilities",
                to="facilities.region",
            ),
        ),
        migrations.RemoveField(model_name="programsettings", name="volunteer_hour_value"),
    ]
