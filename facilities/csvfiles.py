"""The one CSV writer every export uses: cells a spreadsheet would run as a formula are
neutralized (OWASP "CSV injection"), so a typed name can never become a formula."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

# A spreadsheet treats a cell starting with any of these as a formula (tab and carriage
# return too: some programs strip them and then read the rest).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralize(value: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; numbers, dates
    and other values as they are (a negative number is data, not a formula)."""
    if not isinstance(value, str):
        return value
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class SafeWriter:
    """csv.writer with every cell neutralized."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralize(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, **options: Any) -> SafeWriter:
    return SafeWriter(stream, **options)


class _Echo:
    def write(self, s: str, /) -> str:
        return s


def lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The formula-safe CSV lines of `rows`, one at a time, for a StreamingHttpResponse: a
    long export is never held whole in memory."""
    safe = SafeWriter(_Echo())
    for row in rows:
        yield safe.writerow(row)
