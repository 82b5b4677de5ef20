from django.db import migrations, models
from django.db.models import Exists, Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    """Each application's first move to in review, from its event log (the one record of it)."""
    Application = apps.get_model("applications", "Application")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    to_review = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_status="in_review"
    )
    first = to_review.order_by().values("application").annotate(first=Min("at")).values("first")
    Application.objects.filter(Exists(to_review)).update(reviewed_at=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_person_wizard_lookups"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
