"""The program's default reference data, written once: the data migrations seed it, and a
test flush (which empties every table) can seed it again. The PIC Coordinator edits it in
the admin afterwards; seeding never overwrites an edited row."""

from decimal import Decimal
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

DEFAULT_COURSES: list[dict[str, Any]] = [
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


def seed_step_requirements(step_requirement_model: Any) -> None:
    for kind, steps in DEFAULT_STEPS.items():
        for order, step in enumerate(steps):
            step_requirement_model.objects.get_or_create(
                application_kind=kind, step_kind=step, defaults={"order": order}
            )


def seed_courses(course_model: Any) -> None:
    for course in DEFAULT_COURSES:
        course_model.objects.get_or_create(code=course["code"], defaults=course)
