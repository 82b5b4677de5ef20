from django.db import migrations

from screening.reference_data import seed_step_requirements


def seed(apps, schema_editor):
    seed_step_requirements(apps.get_model("screening", "StepRequirement"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
