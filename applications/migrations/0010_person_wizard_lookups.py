import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def analyze_people(apps, schema_editor):
    """PostgreSQL plans with an expression index only once ANALYZE has gathered statistics
    on the expression (until autovacuum got round to it, the e-mail lookup stayed a scan)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE applications_person")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_queue_indexes_and_person_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="person_email_upper"
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["date_of_birth"], name="person_date_of_birth"),
        ),
        migrations.RunPython(analyze_people, migrations.RunPython.noop, elidable=True),
    ]
