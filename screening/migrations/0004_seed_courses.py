from decimal import Decimal

from django.db import migrations

COURSES = [
    {
        "code": "volunteer-orientation",
        "name": "Volunteer orientation (one-day volunteer training)",
        "validity_months": None,
        "hours": Decimal("8"),
        "required_for_activation": True,
    },
    {
        "code": "prea",
        "name": "PREA training",
        "validity_months": 12,
        "hours": Decimal("1"),
        "required_for_activation": True,
    },
    {
        "code": "facility-orientation",
        "name": "Facility orientation",
        "validity_months": None,
        "hours": Decimal("2"),
        "required_for_activation": True,
        "per_facility": True,
    },
    {
        "code": "annual-in-service",
        "name": "Annual in-service training",
        "validity_months": None,
        "hours": Decimal("1"),
        "required_for_activation": False,
        "annual_hours_required": Decimal("6"),
    },
]


def seed(apps, schema_editor):
    Course = apps.get_model("screening", "Course")
    for course in COURSES:
        Course.objects.get_or_create(code=course["code"], defaults=course)


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_trainings_tb_activation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
