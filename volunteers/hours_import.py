"""The sign-in sheet import: a CSV of visits at one facility, previewed row by row, and
imported only when every row is valid. A row that repeats an entry already recorded (same
person, facility, date and times) is a duplicate and is skipped, so the same sheet imported
twice adds nothing.

Headers: badge, name, date, start, end, hours, program_area. A row names the volunteer by
badge number, or by name when exactly one active volunteer of the facility has it.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from applications.models import ProgramArea
from audit.services import record
from facilities.models import Facility
from volunteers.errors import VolunteerError
from volunteers.models import (
    AccessEvent,
    AccessStatus,
    FacilityAccess,
    HourEntry,
    HourSource,
    HourStatus,
)
from volunteers.services.hours import create_hour_entry, hour_problems, hours_between

HEADERS = ["badge", "name", "date", "start", "end", "hours", "program_area"]
MAX_BYTES = 256 * 1024
MAX_ROWS = 1000
TEMPLATE_EXAMPLE = ["ACC-00001", "Jordan Rivera", "2026-03-14", "09:00", "11:30", "", "education"]


class SheetRefused(VolunteerError):
    """The upload as a whole cannot be read (not a CSV, wrong headers, too big)."""


@dataclass
class Row:
    line: int
    values: dict[str, str]
    grant: FacilityAccess | None = None
    worked_on: date | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    hours: Decimal | None = None
    program_area: str = ""
    errors: list[str] = field(default_factory=list)
    duplicate: bool = False


@dataclass
class Preview:
    rows: list[Row]

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def new_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.errors and not row.duplicate]

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.duplicate)

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.errors


def decode(upload: Any) -> str:
    """The uploaded file's text; refused when too big or not text."""
    if upload.size > MAX_BYTES:
        raise SheetRefused(_("The file is larger than 256 KB; split the sheet."))
    raw = upload.read()
    if b"\x00" in raw:
        raise SheetRefused(_("This file is not a CSV file (save the sheet as CSV)."))
    try:
        return str(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            return str(raw.decode("cp1252"))
        except UnicodeDecodeError:
            raise SheetRefused(_("This file is not a CSV file (save the sheet as CSV).")) from None


def _records(text: str) -> list[tuple[int, dict[str, str]]]:
    if len(text.encode()) > MAX_BYTES:
        raise SheetRefused(_("The file is larger than 256 KB; split the sheet."))
    try:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None:
            raise SheetRefused(_("The file is empty."))
        names = [h.strip().lower() for h in header]
        if names != HEADERS:
            raise SheetRefused(
                _("The first row must be exactly these headers: %(headers)s.")
                % {"headers": ", ".join(HEADERS)}
            )
        records: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(records) >= MAX_ROWS:
                raise SheetRefused(
                    _("At most %(count)s rows at a time; split the sheet.") % {"count": MAX_ROWS}
                )
            padded = [*values, *[""] * len(HEADERS)][: len(HEADERS)]
            extra = [v for v in values[len(HEADERS) :] if v.strip()]
            row = dict(zip(HEADERS, (v.strip() for v in padded), strict=True))
            if extra:
                row["_extra"] = "yes"
            records.append((reader.line_num, row))
    except csv.Error:
        raise SheetRefused(_("This file is not a readable CSV file.")) from None
    if not records:
        raise SheetRefused(_("The sheet has headers but no rows."))
    return records


def _date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 (a date, no zone)
        except ValueError:
            continue
    return None


def _time(value: str) -> time | None:
    compact = re.sub(r"\s+", " ", value.strip().upper().replace(".", ""))
    for pattern in ("%H:%M", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p"):
        try:
            return datetime.strptime(compact, pattern).time()  # noqa: DTZ007 (a clock time)
        except ValueError:
            continue
    return None


def _area(value: str) -> str:
    wanted = value.strip().lower()
    for code, label in ProgramArea.choices:
        if wanted in (code, str(label).lower()):
            return str(code)
    return ""


def _name_key(value: str) -> str:
    return " ".join(value.lower().split())


class _People:
    """The facility's grants, looked up by badge and by unique name among active ones."""

    def __init__(self, facility: Facility) -> None:
        grants = (
            FacilityAccess.objects.filter(facility=facility, badge_number__isnull=False)
            .select_related("person", "facility")
            .prefetch_related(Prefetch("events", queryset=AccessEvent.objects.order_by("at", "pk")))
        )
        self.by_badge: dict[str, FacilityAccess] = {}
        self.by_name: dict[str, list[FacilityAccess]] = defaultdict(list)
        for grant in grants:
            assert grant.badge_number is not None
            self.by_badge[grant.badge_number.upper()] = grant
            if grant.status == AccessStatus.ACTIVE:
                self.by_name[_name_key(grant.person.full_name)].append(grant)

    def find(self, badge: str, name: str) -> tuple[FacilityAccess | None, str]:
        if badge:
            grant = self.by_badge.get(badge.upper())
            if grant is None:
                return None, _("No badge %(badge)s at this facility.") % {"badge": badge}
            if name and _name_key(name) != _name_key(grant.person.full_name):
                return None, _("Badge %(badge)s belongs to %(name)s, not %(given)s.") % {
                    "badge": badge,
                    "name": grant.person.full_name,
                    "given": name,
                }
            return grant, ""
        if not name:
            return None, _("Give the badge number or the name.")
        matches = self.by_name.get(_name_key(name), [])
        if not matches:
            return None, _("No active volunteer here is named %(name)s.") % {"name": name}
        if len(matches) > 1:
            return None, _(
                "%(count)s active volunteers here are named %(name)s: give the badge number."
            ) % {"count": len(matches), "name": name}
        return matches[0], ""


def _existing(
    facility: Facility, rows: list[Row]
) -> set[tuple[int, date, time | None, time | None]]:
    days = {row.worked_on for row in rows if row.worked_on}
    entries = (
        HourEntry.objects.filter(facility=facility, worked_on__in=days)
        .exclude(status=HourStatus.REJECTED)
        .values_list("person_id", "worked_on", "starts_at", "ends_at")
    )
    return set(entries)


def preview(facility: Facility, text: str) -> Preview:
    """Read and check every row; refused as a whole when the file cannot be read."""
    people = _People(facility)
    rows = [_parse(line, values, people) for line, values in _records(text)]
    seen = _existing(facility, rows)
    # Hours of earlier rows of this sheet, per person and day (the 16-hour rule).
    sheet_hours: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.errors or row.grant is None or row.worked_on is None:
            continue
        key = (row.grant.person_id, row.worked_on, row.starts_at, row.ends_at)
        if key in seen:
            row.duplicate = True
            continue
        row.errors.extend(
            hour_problems(
                access=row.grant,
                worked_on=row.worked_on,
                program_area=row.program_area,
                hours=row.hours,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                already_that_day=sheet_hours[(row.grant.person_id, row.worked_on)],
            )
        )
        if not row.errors and row.hours is not None:
            seen.add(key)
            sheet_hours[(row.grant.person_id, row.worked_on)] += row.hours
    return Preview(rows=rows)


def _parse(line: int, values: dict[str, str], people: _People) -> Row:
    row = Row(line=line, values=values)
    if values.pop("_extra", None):
        row.errors.append(_("This row has more cells than the headers."))
    row.grant, problem = people.find(values["badge"], values["name"])
    if problem:
        row.errors.append(problem)
    row.worked_on = _date(values["date"])
    if row.worked_on is None:
        row.errors.append(_("The date must look like 2026-03-14 or 3/14/2026."))
    for key, label in (("start", _("start")), ("end", _("end"))):
        if values[key]:
            parsed = _time(values[key])
            if parsed is None:
                row.errors.append(
                    _("The %(which)s time must look like 09:00 or 9:00 AM.") % {"which": label}
                )
            setattr(row, "starts_at" if key == "start" else "ends_at", parsed)
    if values["hours"]:
        try:
            row.hours = Decimal(values["hours"])
        except ArithmeticError:
            row.errors.append(_("The hours must be a number, such as 2.5."))
    elif row.starts_at and row.ends_at:
        row.hours = hours_between(row.starts_at, row.ends_at)
    elif not (values["start"] or values["end"]):
        row.errors.append(_("Give the hours, or the start and end times."))
    row.program_area = _area(values["program_area"])
    if not row.program_area:
        row.errors.append(
            _("Unknown program area “%(area)s”; use one of: %(areas)s.")
            % {"area": values["program_area"], "areas": ", ".join(ProgramArea.values)}
        )
    return row


@transaction.atomic
def import_sheet(*, facility: Facility, text: str, by: Any) -> Preview:
    """Check the sheet again and, when every row is valid, record its new rows as approved
    hours (the coordinator holds the signed sheet); duplicates are skipped. Audited."""
    result = preview(facility, text)
    if not result.can_import:
        raise VolunteerError(_("Nothing was imported: correct the rows marked below."))
    for row in result.new_rows:
        assert row.grant is not None
        assert row.worked_on is not None
        create_hour_entry(
            access=row.grant,
            worked_on=row.worked_on,
            program_area=row.program_area,
            hours=row.hours,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            source=HourSource.IMPORT,
            by=by,
            approve=True,
        )
    record(
        by=by,
        action="volunteers.hours_imported",
        target=facility.code,
        facility=facility,
        details={"imported": len(result.new_rows), "duplicates": result.duplicates},
    )
    return result


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerow(TEMPLATE_EXAMPLE)
    return out.getvalue()
