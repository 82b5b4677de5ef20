from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_application_reviewed_at"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="application", name="application_submitted_at"),
        migrations.RemoveIndex(model_name="application", name="application_decided_at"),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["submitted_at"],
                include=["id", "facility", "status", "kind", "access_level_requested", "reviewed_at"],
                name="application_submitted_cover",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["decided_at"],
                include=[
                    "id",
                    "facility",
                    "status",
                    "submitted_at",
                    "kind",
                    "access_level_requested",
                    "decline_reason",
                ],
                name="application_decided_cover",
            ),
        ),
        # The under-19 list's date-of-birth index came in 0010 (person_date_of_birth).
    ]
