"""A report table: columns, rows of plain values, an optional chart; the page and the CSV
read the same object, so the CSV always equals the table."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from facilities import csvfiles


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # text, int, number (one decimal), pct (a fraction shown as a percentage), money, date
    kind: str = "text"


@dataclass
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    chart: Any = None
    # A listing shows its first rows on the page; the CSV has them all.
    total: int | None = None
    all_rows: Iterable[list[Any]] | None = None
    # The last row sums the ones above it (shown bold, kept in the CSV).
    has_total_row: bool = False

    @property
    def is_truncated(self) -> bool:
        return self.total is not None and self.total > len(self.rows)

    def csv_rows(self) -> Iterable[list[Any]]:
        return self.all_rows if self.all_rows is not None else self.rows


def csv_value(value: Any, kind: str) -> Any:
    """A cell as a spreadsheet reads it: ISO dates, plain numbers, empty for no value."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    # Numbers stay numbers (csvfiles neutralizes text only: a negative number is data).
    if kind == "pct":
        return round(float(value) * 100, 1)
    if kind == "number":
        return round(float(value), 1)
    if kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def stream_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """Lines of a formula-safe CSV (facilities.csvfiles), a BOM first so Excel reads UTF-8."""
    yield "\ufeff"
    yield from csvfiles.lines(chain([header], rows))


def table_csv(table: Table) -> Iterator[str]:
    kinds = [column.kind for column in table.columns]
    header = [column.label for column in table.columns]
    rows = ([csv_value(v, k) for v, k in zip(row, kinds, strict=True)] for row in table.csv_rows())
    return stream_csv(header, rows)
