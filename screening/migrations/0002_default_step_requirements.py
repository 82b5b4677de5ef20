from django.db import migrations

DEFAULTS = {
    "volunteer": ["completeness", "background_check", "interview"],
    "reentry_partner": [
        "completeness",
        "background_check",
        "interview",
        "organisation_verification",
    ],
    "student_intern": ["completeness", "background_check", "interview", "school_verification"],
}


def seed(apps, schema_editor):
    StepRequirement = apps.get_model("screening", "StepRequirement")
    for kind, steps in DEFAULTS.items():
        for order, step in enumerate(steps):
            StepRequirement.objects.get_or_create(
                application_kind=kind, step_kind=step, defaults={"order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
