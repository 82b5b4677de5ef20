"""The roll-ups of approved hours (volunteers.models: HourMonth, HourMonthTotal and the two
grant tallies), kept in step with the entries by volunteers.services.hours, the one writer
of hour entries: every change that makes an entry approved, or would make it stop being
approved, calls `count_entry` in the same transaction.

Race safety: the grant's row is locked first, so the cells of one grant change one writer
at a time; the shared rows (totals and tallies, one per facility and month) only ever move
by `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta`, which the database applies
atomically on PostgreSQL and SQLite alike.
"""

from bisect import bisect_left
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Max, Min

from volunteers.models import (
    NEVER,
    FacilityAccess,
    GrantAreaTally,
    GrantMonthTally,
    HourEntry,
    HourMonth,
    HourMonthTotal,
    HourStatus,
)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _bump(model: type[models.Model], key: dict[str, Any], deltas: dict[str, Any]) -> None:
    """Add `deltas` to the row of `model` with `key`, creating it when missing: one atomic
    statement, so two transactions adding to one row both count."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = {f.name: f for f in model._meta.concrete_fields}
    columns = [fields[name].column for name in [*key, *deltas]]
    conflict = ", ".join(quote(fields[name].column) for name in key)
    updates = ", ".join(
        f"{quote(fields[name].column)} = {table}.{quote(fields[name].column)} + "
        f"excluded.{quote(fields[name].column)}"
        for name in deltas
    )
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - model names
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )
    values = [fields[name].get_db_prep_save(value, connection) for name, value in key.items()]
    values += [fields[name].get_db_prep_save(value, connection) for name, value in deltas.items()]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def _move_event(
    months: list[date], month: date, sign: int, tally: type[models.Model], key: dict[str, Any]
) -> None:
    """A grant's sorted months with hours (`month` not among them) gain (sign 1) or lose
    (sign -1) `month`: the tallies of it and of the month after it change their `since`."""
    at = bisect_left(months, month)
    before = months[at - 1] if at else NEVER
    after = months[at] if at < len(months) else None
    _bump(tally, {**key, "month": month, "since": before}, {"grants": sign})
    if after is not None:
        _bump(tally, {**key, "month": after, "since": before}, {"grants": -sign})
        _bump(tally, {**key, "month": after, "since": month}, {"grants": sign})


def count_entry(entry: HourEntry, sign: int) -> None:
    """Count an approved entry into the roll-ups (sign 1), or out of them (sign -1, with the
    entry already saved as no longer approved). Call inside the writer's transaction."""
    access = FacilityAccess.objects.select_for_update().only("pk", "kind").get(pk=entry.access_id)
    month = month_of(entry.worked_on)
    area = entry.program_area
    hours = Decimal(str(entry.hours))
    cells = list(
        HourMonth.objects.filter(access=access).values_list("month", "program_area").order_by()
    )
    in_month = sorted({m for m, _a in cells})
    in_area = sorted({m for m, a in cells if a == area})
    cell = HourMonth.objects.filter(access=access, month=month, program_area=area).first()
    if sign > 0:
        if cell is None:
            HourMonth.objects.create(
                access=access,
                facility_id=entry.facility_id,
                person_id=entry.person_id,
                month=month,
                program_area=area,
                hours=hours,
                entries=1,
                first_day=entry.worked_on,
                last_day=entry.worked_on,
            )
        else:
            cell.hours += hours
            cell.entries += 1
            cell.first_day = min(cell.first_day, entry.worked_on)
            cell.last_day = max(cell.last_day, entry.worked_on)
            cell.save()
    else:
        if cell is None:
            return  # not counted: nothing to take out
        cell.hours -= hours
        cell.entries -= 1
        if cell.entries <= 0:
            cell.delete()
        else:
            left = HourEntry.objects.filter(
                access=access,
                status=HourStatus.APPROVED,
                program_area=area,
                worked_on__gte=month,
                worked_on__lt=_next_month(month),
            ).aggregate(first=Min("worked_on"), last=Max("worked_on"))
            cell.first_day, cell.last_day = left["first"], left["last"]
            cell.save()
    _bump(
        HourMonthTotal,
        {"month": month, "facility": entry.facility_id, "kind": access.kind, "program_area": area},
        {"hours": hours * sign, "entries": sign},
    )
    cell_opened = sign > 0 and cell is None
    cell_closed = sign < 0 and cell is not None and cell.entries <= 0
    if not (cell_opened or cell_closed):
        return
    area_key = {"program_area": area, "kind": access.kind}
    if cell_opened:
        _move_event(in_area, month, 1, GrantAreaTally, area_key)
    else:
        _move_event([m for m in in_area if m != month], month, -1, GrantAreaTally, area_key)
    others_in_month = any(m == month and a != area for m, a in cells)
    if others_in_month:
        return
    grant_key = {"facility": entry.facility_id, "kind": access.kind}
    if cell_opened:
        _move_event(in_month, month, 1, GrantMonthTally, grant_key)
    else:
        _move_event([m for m in in_month if m != month], month, -1, GrantMonthTally, grant_key)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


# Rebuilding from the entries (bench data, the migration's backfill, tests) ---------------


def rebuild_sql(vendor: str) -> list[str]:
    """Statements that recompute every roll-up from the approved entries (one pass each)."""
    month = (
        "CAST(DATE_TRUNC('month', e.worked_on) AS date)"
        if vendor == "postgresql"
        else "DATE(e.worked_on, 'start of month')"
    )
    never = "DATE '0001-01-01'" if vendor == "postgresql" else "'0001-01-01'"
    statements = [
        "DELETE FROM volunteers_grantareatally",
        "DELETE FROM volunteers_grantmonthtally",
        "DELETE FROM volunteers_hourmonthtotal",
        "DELETE FROM volunteers_hourmonth",
        """INSERT INTO volunteers_hourmonth
            (access_id, facility_id, person_id, month, program_area, hours, entries,
             first_day, last_day)
        SELECT e.access_id, e.facility_id, e.person_id, MONTH_OF_DAY, e.program_area,
               SUM(e.hours), COUNT(*), MIN(e.worked_on), MAX(e.worked_on)
        FROM volunteers_hourentry e WHERE e.status = 'approved'
        GROUP BY e.access_id, e.facility_id, e.person_id, MONTH_OF_DAY, e.program_area""",
        """INSERT INTO volunteers_hourmonthtotal
            (facility_id, kind, month, program_area, hours, entries)
        SELECT m.facility_id, a.kind, m.month, m.program_area, SUM(m.hours), SUM(m.entries)
        FROM volunteers_hourmonth m JOIN volunteers_facilityaccess a ON a.id = m.access_id
        GROUP BY m.facility_id, a.kind, m.month, m.program_area""",
        """INSERT INTO volunteers_grantmonthtally (facility_id, kind, month, since, grants)
        SELECT facility_id, kind, month, since, COUNT(*) FROM (
            SELECT g.facility_id, g.kind, g.month,
                   COALESCE(LAG(g.month) OVER (PARTITION BY g.access_id ORDER BY g.month),
                            NEVER_DATE) AS since
            FROM (SELECT DISTINCT m.access_id, m.facility_id, a.kind, m.month
                  FROM volunteers_hourmonth m
                  JOIN volunteers_facilityaccess a ON a.id = m.access_id) g
        ) t GROUP BY facility_id, kind, month, since""",
        """INSERT INTO volunteers_grantareatally (kind, program_area, month, since, grants)
        SELECT kind, program_area, month, since, COUNT(*) FROM (
            SELECT a.kind, m.program_area, m.month,
                   COALESCE(LAG(m.month) OVER (
                       PARTITION BY m.access_id, m.program_area ORDER BY m.month), NEVER_DATE)
                   AS since
            FROM volunteers_hourmonth m
            JOIN volunteers_facilityaccess a ON a.id = m.access_id
        ) t GROUP BY kind, program_area, month, since""",
    ]
    # Only constants go in: the database's month function and its way of writing a date.
    return [s.replace("MONTH_OF_DAY", month).replace("NEVER_DATE", never) for s in statements]


def rebuild() -> None:
    """Recompute every roll-up from the approved entries. Only for bulk loads (seed_bench)
    and tests: the services keep the roll-ups in step one entry at a time."""
    with connection.cursor() as cursor:
        for statement in rebuild_sql(connection.vendor):
            cursor.execute(statement)
