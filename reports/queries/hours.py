"""Hours and value: approved hours by facility, month and program area; volunteers serving;
the value of volunteer time at each year's rate (facilities.HourValue: a year without a
rate takes the latest earlier one, and the table says so); FTE at 2,080 hours a year."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import ProgramArea
from facilities.models import FTE_HOURS_PER_YEAR, HourValue, hour_rates
from reports import charts
from reports.filters import Scope
from reports.queries.common import facility_rows, region_name
from reports.queries.hour_figures import HourFigures, hour_figures, is_statewide
from reports.tables import Column, Table


def fte(hours: Decimal, months: int) -> float:
    """Full-time equivalents over a period of `months`: 2,080 hours make one a year."""
    return float(hours) * 12 / (FTE_HOURS_PER_YEAR * months) if months else 0.0


def _rate(rates: dict[int, tuple[HourValue | None, bool]], year: int) -> Decimal:
    value = rates[year][0]
    return value.rate if value is not None else Decimal(0)


def hours_and_value(scope: Scope) -> list[Table]:
    facilities = facility_rows(scope)
    figures = hour_figures(scope, statewide=is_statewide(facilities))
    years = list(range(scope.date_from.year, scope.date_to.year + 1))
    rates = hour_rates(years)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    value: dict[int, Decimal] = defaultdict(Decimal)
    year_hours: dict[int, Decimal] = defaultdict(Decimal)
    for (facility_pk, year), amount in figures.hours_by_facility_year.items():
        hours[facility_pk] += amount
        value[facility_pk] += amount * _rate(rates, year)
        year_hours[year] += amount
    rows: list[list[Any]] = []
    for facility in facilities:
        total = hours.get(facility.pk, Decimal(0))
        rows.append(
            [
                facility.name,
                region_name(facility),
                total,
                figures.people_by_facility.get(facility.pk, 0),
                value.get(facility.pk, Decimal(0)),
                fte(total, scope.months),
            ]
        )
    overall = figures.people
    all_hours = sum(hours.values(), Decimal(0))
    rows.append(
        [
            _("All facilities"),
            "",
            all_hours,
            overall,
            sum(value.values(), Decimal(0)),
            fte(all_hours, scope.months),
        ]
    )
    by_facility = Table(
        slug="hours-by-facility",
        title=_("Approved hours and their value, by facility"),
        columns=[
            Column("facility", _("Facility")),
            Column("region", _("Region")),
            Column("hours", _("Approved hours"), "number"),
            Column("volunteers", _("Volunteers serving"), "int"),
            Column("value", _("Value of volunteer time"), "money"),
            Column("fte", _("FTE equivalent"), "number"),
        ],
        rows=rows,
        has_total_row=True,
        note=_(
            "FTE: hours ÷ 2,080 a year, over the %(months)d months of the period. A volunteer "
            "serving at two facilities counts once in the total."
        )
        % {"months": scope.months},
    )
    return [
        by_facility,
        _by_month(figures),
        _by_area(figures),
        _by_year(years, year_hours, rates),
    ]


def _by_month(figures: HourFigures) -> Table:
    months = sorted(figures.by_month)
    rows: list[list[Any]] = [
        [date_format(month, "F Y"), *figures.by_month[month]] for month in months
    ]
    table = Table(
        slug="hours-by-month",
        title=_("Approved hours by month"),
        columns=[
            Column("month", _("Month")),
            Column("hours", _("Approved hours"), "number"),
            Column("volunteers", _("Volunteers serving"), "int"),
        ],
        rows=rows,
    )
    table.chart = charts.column_chart(
        title=_("Approved hours by month"),
        labels=[date_format(month, "M Y") for month in months],
        values=[row[1] for row in rows],
        x_label=_("Month"),
        y_label=_("Hours"),
    )
    return table


def _by_area(figures: HourFigures) -> Table:
    rows: list[list[Any]] = [
        [label, *figures.by_area.get(value, (Decimal(0), 0))]
        for value, label in ProgramArea.choices
    ]
    return Table(
        slug="hours-by-area",
        title=_("Approved hours by program area"),
        columns=[
            Column("area", _("Program area")),
            Column("hours", _("Approved hours"), "number"),
            Column("volunteers", _("Volunteers serving"), "int"),
        ],
        rows=rows,
    )


def _by_year(
    years: list[int],
    year_hours: dict[int, Decimal],
    rates: dict[int, tuple[HourValue | None, bool]],
) -> Table:
    rows: list[list[Any]] = []
    for year in years:
        rate, borrowed = rates[year]
        if rate is None:
            basis = _("No rate for this year or any earlier one: the value is not counted.")
        elif borrowed:
            basis = _("No rate for %(year)d: the %(earlier)d rate is used (%(source)s).") % {
                "year": year,
                "earlier": rate.year,
                "source": rate.source,
            }
        else:
            basis = rate.source
        hours = year_hours.get(year, Decimal(0))
        rows.append(
            [
                year,
                hours,
                rate.rate if rate else None,
                basis,
                hours * rate.rate if rate else None,
                float(hours) / FTE_HOURS_PER_YEAR,
            ]
        )
    return Table(
        slug="value-by-year",
        title=_("Value of volunteer time, by year"),
        columns=[
            Column("year", _("Year")),
            Column("hours", _("Approved hours in the period"), "number"),
            Column("rate", _("Value of an hour"), "money"),
            Column("basis", _("Rate and source")),
            Column("value", _("Value"), "money"),
            Column("fte", _("FTE (hours ÷ 2,080)"), "number"),
        ],
        rows=rows,
    )
