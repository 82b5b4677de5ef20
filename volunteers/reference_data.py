"""The program's default training catalogue, written once: the data migration seeds it,
and a test flush (which empties every table) can seed it again. The PIC Coordinator edits
it in the admin afterwards; seeding never overwrites an edited row."""

from decimal import Decimal
from typing import Any

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


def seed_courses(course_model: Any) -> None:
    for course in DEFAULT_COURSES:
        course_model.objects.get_or_create(code=course["code"], defaults=course)
