"""The shared CSV writer neutralizes cells a spreadsheet would run as a formula."""

import csv
import io
from datetime import date

import pytest

from facilities import csvfiles


def written(*rows: list[object]) -> list[list[str]]:
    out = io.StringIO()
    csvfiles.writer(out).writerows(rows)
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://x.example","click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
    ],
)
def test_a_formula_cell_is_prefixed_with_an_apostrophe(cell: str) -> None:
    assert written(["Jordan", cell]) == [["Jordan", f"'{cell}"]]


@pytest.mark.parametrize(
    "cell", ["Jordan Newcomer", "O'Brien", "a=b", "Smith-Jones", "", "1+1", "e-mail@x.org"]
)
def test_ordinary_text_is_kept_as_typed(cell: str) -> None:
    assert written([cell]) == [[cell]]


def test_numbers_and_dates_are_data_not_formulas() -> None:
    assert written([-5, 3.5, date(2026, 12, 1), None]) == [["-5", "3.5", "2026-12-01", ""]]


def test_writerow_neutralizes_a_single_row() -> None:
    out = io.StringIO()
    csvfiles.writer(out).writerow(["=cmd|' /C calc'!A0", "ok"])

    assert out.getvalue() == "'=cmd|' /C calc'!A0,ok\r\n"
