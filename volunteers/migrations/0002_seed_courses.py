from django.db import migrations

from volunteers.reference_data import seed_courses


def seed(apps, schema_editor):
    seed_courses(apps.get_model("volunteers", "Course"))


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
