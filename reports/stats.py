"""Durations and percentiles computed by the database, on PostgreSQL and SQLite alike.

PostgreSQL has `percentile_cont`; SQLite (3.40) has no median, so there the one column is
read in order and interpolated the same way percentile_cont does (one query either way).
"""

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Expression, F, FloatField, Func, QuerySet


class DaysBetween(Func):
    """Days, as a fraction, from the `start` timestamp to the `end` one."""

    output_field = FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(
            F(end) if isinstance(end, str) else end, F(start) if isinstance(start, str) else start
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
        )


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression): PostgreSQL only."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def interpolate(ordered: list[float], fraction: float) -> float | None:
    """percentile_cont over an ascending list: linear between the two closest ranks."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def percentiles(
    queryset: QuerySet[Any],
    group: str | Expression | None,
    value: Expression,
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict[Hashable, list[float | None]]:
    """For each value of `group` (or None for all rows), the `fractions` of `value`."""
    if connection.vendor == "postgresql":
        aggregates = {f"p{i}": PercentileCont(value, f) for i, f in enumerate(fractions)}
        if group is None:
            row = queryset.aggregate(**aggregates)
            return {None: [row[f"p{i}"] for i in range(len(fractions))]}
        rows = (
            queryset.annotate(_group=group if not isinstance(group, str) else F(group))
            .values("_group")
            .annotate(**aggregates)
            .order_by()
        )
        return {r["_group"]: [r[f"p{i}"] for i in range(len(fractions))] for r in rows}
    columns: dict[Hashable, list[float]] = defaultdict(list)
    annotated = queryset.annotate(_value=value)
    if group is None:
        pairs: Any = (
            (None, v) for v in annotated.order_by("_value").values_list("_value", flat=True)
        )
    else:
        annotated = annotated.annotate(_group=group if not isinstance(group, str) else F(group))
        pairs = annotated.order_by("_group", "_value").values_list("_group", "_value")
    for key, number in pairs:
        if number is not None:
            columns[key].append(float(number))
    return {key: [interpolate(ordered, f) for f in fractions] for key, ordered in columns.items()}


def summarize(
    queryset: QuerySet[Any],
    group: str | Expression,
    value: Expression,
    aggregates: dict[str, Any],
    fractions: tuple[float, ...] = (0.5, 0.9),
) -> dict[Any, dict[str, Any]]:
    """For each value of `group`: the `aggregates`, and under "percentiles" the `fractions`
    of `value` (rows where it is NULL left out, as percentile_cont does).

    On PostgreSQL one query returns both, so the rows are read once; elsewhere the counts
    are one GROUP BY and the percentiles the ordered column (`percentiles`).
    """
    grouped = queryset.annotate(_group=group if not isinstance(group, str) else F(group))
    if connection.vendor == "postgresql":
        ranks = {f"_p{i}": PercentileCont(value, f) for i, f in enumerate(fractions)}
        rows = grouped.values("_group").annotate(**aggregates, **ranks).order_by()
        found: dict[Any, dict[str, Any]] = {}
        for row in rows:
            shares = [row.pop(f"_p{i}") for i in range(len(fractions))]
            found[row.pop("_group")] = {**row, "percentiles": shares}
        return found
    days = percentiles(queryset, group, value, fractions)
    found = {}
    for row in grouped.values("_group").annotate(**aggregates).order_by():
        key = row.pop("_group")
        found[key] = {**row, "percentiles": days.get(key, [None] * len(fractions))}
    return found
