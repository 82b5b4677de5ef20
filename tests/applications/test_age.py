"""DESIGN rule 1: age in whole years on a date in Missouri; 29 February; bounds on a birth date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from applications import age


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        # The 18th birthday: the day before, the day of, the day after.
        (date(2008, 5, 17), date(2026, 5, 16), 17),
        (date(2008, 5, 17), date(2026, 5, 17), 18),
        (date(2008, 5, 17), date(2026, 5, 18), 18),
        # The 19th birthday.
        (date(2007, 5, 17), date(2026, 5, 16), 18),
        (date(2007, 5, 17), date(2026, 5, 17), 19),
        # Across the turn of a year and a month.
        (date(2008, 1, 1), date(2025, 12, 31), 17),
        (date(2008, 1, 1), date(2026, 1, 1), 18),
        (date(2007, 12, 31), date(2026, 12, 30), 18),
        (date(2007, 12, 31), date(2026, 12, 31), 19),
        (date(2008, 6, 30), date(2026, 6, 29), 17),
        (date(2008, 6, 30), date(2026, 7, 1), 18),
        # Born on 29 February: in a common year the age comes on 1 March.
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2007, 2, 28), date(2026, 2, 28), 19),
        # ... and in a leap year on 29 February itself.
        (date(2010, 2, 28), date(2028, 2, 27), 17),
        (date(2008, 2, 29), date(2028, 2, 28), 19),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2009, 2, 28), date(2028, 2, 28), 19),
        # The day of birth and the day before the first birthday.
        (date(2026, 5, 17), date(2026, 5, 17), 0),
        (date(2025, 5, 17), date(2026, 5, 16), 0),
    ],
)
def test_age_on(born: date, on: date, expected: int) -> None:
    assert age.age_on(born, on) == expected


@pytest.mark.parametrize(
    ("born", "years", "expected"),
    [
        (date(2008, 5, 17), 18, date(2026, 5, 17)),
        (date(2007, 5, 17), 19, date(2026, 5, 17)),
        (date(2008, 12, 31), 18, date(2026, 12, 31)),
        (date(2008, 1, 1), 19, date(2027, 1, 1)),
        # 29 February: 1 March when the year of the birthday is common ...
        (date(2008, 2, 29), 18, date(2026, 3, 1)),
        (date(2008, 2, 29), 19, date(2027, 3, 1)),
        (date(1916, 2, 29), 110, date(2026, 3, 1)),
        # ... 29 February when it is a leap year (2100 is not one).
        (date(2008, 2, 29), 20, date(2028, 2, 29)),
        (date(2004, 2, 29), 96, date(2100, 3, 1)),
        (date(2000, 2, 29), 0, date(2000, 2, 29)),
    ],
)
def test_date_reaching(born: date, years: int, expected: date) -> None:
    assert age.date_reaching(born, years) == expected


@pytest.mark.parametrize(
    "born",
    [date(2008, 5, 17), date(2008, 2, 29), date(2007, 12, 31), date(2007, 3, 1), date(1990, 1, 1)],
)
@pytest.mark.parametrize("years", [age.VOLUNTEER_AGE, age.CONTACT_AGE])
def test_date_reaching_agrees_with_age_on(born: date, years: int) -> None:
    reached = age.date_reaching(born, years)

    assert age.age_on(born, reached) == years
    assert age.age_on(born, reached - timedelta(days=1)) == years - 1


def test_the_rule_ages() -> None:
    assert age.VOLUNTEER_AGE == 18
    assert age.CONTACT_AGE == 19
    assert age.OLDEST_AGE == 110
    assert str(age.DEPARTMENT_TZ) == "America/Chicago"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 23:30 CDT on 16 May is already 17 May in UTC: still the eve of the birthday here.
        (datetime(2026, 5, 17, 4, 30, tzinfo=UTC), date(2026, 5, 16)),
        (datetime(2026, 5, 17, 4, 59, 59, tzinfo=UTC), date(2026, 5, 16)),
        # Midnight in Missouri (05:00 UTC in summer).
        (datetime(2026, 5, 17, 5, 0, tzinfo=UTC), date(2026, 5, 17)),
        # In winter Missouri is UTC-6.
        (datetime(2027, 1, 1, 5, 30, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2027, 1, 1, 6, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_today_is_the_date_in_missouri(now: datetime, expected: date) -> None:
    assert age.today(now) == expected


def test_the_eve_of_the_18th_birthday_at_2330_in_missouri_is_still_17() -> None:
    born = date(2008, 5, 17)
    now = datetime(2026, 5, 17, 4, 30, tzinfo=UTC)  # 23:30 CDT on 16 May

    assert now.date() == date(2026, 5, 17)  # in UTC it is the birthday already
    assert age.age_on(born, age.today(now)) == 17
    assert age.age_on(born, age.today(now + timedelta(minutes=30))) == 18


def test_today_defaults_to_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 17, 4, 30, tzinfo=UTC))

    assert age.today() == date(2026, 5, 16)


ON = date(2026, 5, 17)


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (ON + timedelta(days=1), "in_future"),
        (date(2099, 1, 1), "in_future"),
        (ON, None),
        (ON - timedelta(days=1), None),
        (date(1980, 5, 17), None),
        (date(1916, 5, 17), None),  # exactly 110 years ago
        (date(1916, 5, 18), None),
        (date(1916, 5, 16), "too_old"),  # 110 years and one day
        (date(1900, 1, 1), "too_old"),
    ],
)
def test_date_of_birth_bounds(born: date, problem: str | None) -> None:
    assert age.date_of_birth_problem(born, ON) == problem


def test_date_of_birth_bounds_on_29_february() -> None:
    # Born 29 Feb 1916: 110 on 1 March 2026 (a common year).
    assert age.date_of_birth_problem(date(1916, 2, 29), date(2026, 3, 1)) is None
    assert age.date_of_birth_problem(date(1916, 2, 29), date(2026, 3, 2)) == "too_old"
    assert age.date_of_birth_problem(date(1916, 2, 28), date(2026, 2, 28)) is None
    assert age.date_of_birth_problem(date(1916, 2, 28), date(2026, 3, 1)) == "too_old"
