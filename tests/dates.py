"""The one date format a person reads (issue 8, item 21), for tests to expect."""

from datetime import date


def long_date(value: date | None) -> str:
    """ "December 1, 2026", spelled without the locale machinery under test."""
    assert value is not None
    return f"{value:%B} {value.day}, {value.year}"
