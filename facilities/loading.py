"""Load the facility directory from a CSV with the header of facilities/data/facilities.csv.

Rows update in place by code; an empty cell never overwrites a value already set (it may
have been edited in the app); a bad row stops the whole load in one transaction.
"""

import csv
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from audit.services import record
from facilities.models import RESIDENTIAL_KINDS, Facility, Region

COLUMNS = [
    "code",
    "name",
    "kind",
    "division",
    "region",
    "city",
    "street_address",
    "zip",
    "phone",
    "custody_levels",
    "population_served",
    "status",
    "status_note",
    "source_url",
]
REQUIRED = {"code", "name", "kind", "division", "status"}


class LoadError(Exception):
    """A row that cannot be loaded; nothing of the file was written."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def _parse_phone(line: int, text: str) -> PhoneNumber | str:
    if not text:
        return ""
    try:
        number = PhoneNumber.from_string(text, region="US")
    except NumberParseException:
        raise LoadError(line, f"phone {text!r} is not a phone number") from None
    if not number.is_valid():
        raise LoadError(line, f"phone {text!r} is not a valid phone number")
    return number


def _clean_row(line: int, row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {column: (row.get(column) or "").strip() for column in COLUMNS}
    for column in REQUIRED:
        if not values[column]:
            raise LoadError(line, f"the {column} column is empty")
    values["phone"] = _parse_phone(line, values["phone"])
    # A region is a row of its own table; the file names it (an empty cell keeps the one set).
    name = values.pop("region")
    values["region"] = Region.objects.get_or_create(name=name)[0] if name else None
    return values


def _validate(line: int, facility: Facility) -> None:
    try:
        facility.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reasons = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
        raise LoadError(line, reasons) from exc


@transaction.atomic
def load_facilities(stream: IO[str], *, by: Any = None) -> LoadReport:
    """Create or update facilities from the CSV in `stream`; all or nothing."""
    reader = csv.DictReader(stream)
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise LoadError(1, f"the header lacks {', '.join(missing)}")
    existing = {facility.code: facility for facility in Facility.objects.all()}
    seen: set[str] = set()
    report = LoadReport()
    line = 1
    for row in reader:
        line = reader.line_num
        values = _clean_row(line, row)
        code = values["code"]
        if code in seen:
            raise LoadError(line, f"code {code} appears twice in the file")
        seen.add(code)
        facility = existing.get(code)
        if facility is None:
            facility = Facility(**values, tb_test_required=values["kind"] in RESIDENTIAL_KINDS)
            _validate(line, facility)
            facility.save()
            report.created.append(code)
            continue
        changed = [
            column
            for column, value in values.items()
            if value not in ("", None) and getattr(facility, column) != value
        ]
        if not changed:
            report.unchanged.append(code)
            continue
        for column in changed:
            setattr(facility, column, values[column])
        _validate(line, facility)
        facility.save(update_fields=[*changed, "updated_at"])
        report.updated.append(code)
    record(
        by=by,
        action="facilities.directory_loaded",
        details={
            "created": report.created,
            "updated": report.updated,
            "unchanged": len(report.unchanged),
        },
    )
    return report
