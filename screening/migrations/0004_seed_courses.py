from django.db import migrations

from screening.reference_data import seed_courses


def seed(apps, schema_editor):
    seed_courses(apps.get_model("screening", "Course"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_trainings_tb_activation")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
