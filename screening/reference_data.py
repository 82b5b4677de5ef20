"""The program's default reference data, written once: the data migrations seed it, and a
test flush (which empties every table) can seed it again. The PIC Coordinator edits it in
the admin afterwards; seeding never overwrites an edited row."""

from typing import Any

DEFAULT_STEPS: dict[str, list[str]] = {
    "volunteer": ["completeness", "background_check", "interview"],
    "reentry_partner": [
        "completeness",
        "background_check",
        "interview",
        "organisation_verification",
    ],
    "student_intern": ["completeness", "background_check", "interview", "school_verification"],
}


def seed_step_requirements(step_requirement_model: Any) -> None:
    for kind, steps in DEFAULT_STEPS.items():
        for order, step in enumerate(steps):
            step_requirement_model.objects.get_or_create(
                application_kind=kind, step_kind=step, defaults={"order": order}
            )
