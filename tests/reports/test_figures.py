"""Each figure against the hand-built world of conftest.py, whose answers are known."""

from datetime import date
from decimal import Decimal

from django.test import Client

from applications.models import DeclineReason
from facilities.models import HourValue
from tests.reports.conftest import World
from tests.reports.helpers import YEAR_2024, tables, value


def test_overview_counts_volunteers_by_facility_and_region(client: Client, world: World) -> None:
    found = tables(client, world.pic, "overview", **YEAR_2024)

    volunteers = found["volunteers"]
    assert value(volunteers, "Alpha Correctional Center", "active") == 1
    assert value(volunteers, "Alpha Correctional Center", "contact") == 1
    assert value(volunteers, "Alpha Correctional Center", "activated") == 1
    assert value(volunteers, "Beta Correctional Center", "active") == 1
    assert value(volunteers, "Beta Correctional Center", "activated") == 0
    # The empty facility is a row of zeros, not missing.
    assert volunteers.rows[2][0] == "Empty Correctional Center"
    assert volunteers.rows[2][2:] == [0] * 7
    assert value(volunteers, "All facilities", "active") == 2
    regions = found["regions"]
    assert regions.rows == [["North", 2, 2], ["No region", 1, 0]]


def test_overview_counts_applications_by_status(client: Client, world: World) -> None:
    statuses = tables(client, world.pic, "overview", **YEAR_2024)["statuses"]

    assert value(statuses, "Approved", "count") == 2
    assert value(statuses, "Declined", "count") == 1
    assert value(statuses, "Withdrawn", "count") == 1
    assert value(statuses, "Information requested", "count") == 1
    assert value(statuses, "Submitted", "count") == 0  # Eve's is this week, outside 2024
    assert value(statuses, "All submitted", "count") == 5


def test_a_leap_day_birthday_becomes_eligible_on_the_first_of_march(
    client: Client, world: World
) -> None:
    under19 = tables(client, world.pic, "overview")["under19"]

    assert [r[0] for r in under19.rows] == ["Dee Four"]
    assert under19.rows[0][3] == world.leap_born
    assert under19.rows[0][4] == date(world.leap_born.year + 19, 3, 1)


def test_the_funnel_converts_at_each_stage(client: Client, world: World) -> None:
    funnel = tables(client, world.pic, "pipeline", **YEAR_2024)["funnel"]

    assert [r[1] for r in funnel.rows] == [5, 4, 2, 1, 1, 1]
    assert value(funnel, "Reached review", "conversion") == 0.8
    assert value(funnel, "Approved", "conversion") == 0.5
    assert value(funnel, "Withdrawn", "of_submitted") == 0.2


def test_days_to_decision_by_month_counts_the_last_evening_of_january_in_january(
    client: Client, world: World
) -> None:
    months = tables(client, world.pic, "pipeline", **YEAR_2024)["days-by-month"]

    # Alpha 21.5625 days and Beta 20.0: median 20.78, 90th percentile 21.41.
    assert months.rows == [["January 2024", 2, 20.8, 21.4], ["February 2024", 1, 10.0, 10.0]]


def test_days_to_decision_by_facility(client: Client, world: World) -> None:
    facilities = tables(client, world.pic, "pipeline", **YEAR_2024)["days-by-facility"]

    assert value(facilities, "Alpha Correctional Center", "decisions") == 2
    assert value(facilities, "Alpha Correctional Center", "median") == 15.8  # (21.5625 + 10) / 2
    assert value(facilities, "Beta Correctional Center", "median") == 20.0
    assert value(facilities, "Empty Correctional Center", "median") is None


def test_declines_by_reason_and_information_requests(client: Client, world: World) -> None:
    found = tables(client, world.pic, "pipeline", **YEAR_2024)

    assert value(found["declines"], str(DeclineReason.BACKGROUND.label), "count") == 1
    assert value(found["declines"], "All declines", "count") == 1
    requests = found["information-requests"]
    assert value(requests, "Alpha Correctional Center", "requests") == 2
    assert value(requests, "Alpha Correctional Center", "answered") == 1
    assert value(requests, "Alpha Correctional Center", "overdue") == 1
    assert value(requests, "Alpha Correctional Center", "median") == 4.0


def test_workload_bands_the_open_applications(client: Client, world: World) -> None:
    workload = tables(client, world.pic, "workload")["workload"]

    alpha = next(r for r in workload.rows if r[0] == "Alpha Correctional Center")
    oldest = (world.today - date(2024, 3, 5)).days
    assert alpha[1:] == [2, 1, 0, 1, oldest, 1, 1]
    assert next(r for r in workload.rows if r[0] == "Empty Correctional Center")[1:] == [
        0,
        0,
        0,
        0,
        None,
        0,
        0,
    ]
    assert [c.label for c in workload.columns][2:5] == ["0–15 days", "16–30 days", "Over 30 days"]  # noqa: RUF001


def test_compliance_counts_expiring_access_and_lapsed_tb_tests(
    client: Client, world: World
) -> None:
    compliance = tables(client, world.pic, "compliance")["compliance"]

    assert value(compliance, "Alpha Correctional Center", "access_expiring") == 1
    assert value(compliance, "Beta Correctional Center", "access_expiring") == 0
    # Neither has a TB test, and both facilities require one; nor PREA training.
    assert value(compliance, "Alpha Correctional Center", "tb_lapsed") == 1
    assert value(compliance, "All facilities", "training_lapsed") == 2
    in_service = tables(client, world.pic, "compliance")["in-service"]
    assert [r[0] for r in in_service.rows] == ["Ann One", "Fay Six"]
    assert in_service.rows[0][3] == Decimal(0)


def test_hours_value_uses_the_latest_earlier_rate_and_says_so(client: Client, world: World) -> None:
    found = tables(client, world.pic, "hours", date_from="2024-01-01", date_to="2025-12-31")

    facilities = found["hours-by-facility"]
    assert value(facilities, "Alpha Correctional Center", "hours") == Decimal(
        "14"
    )  # pending left out
    assert value(facilities, "Alpha Correctional Center", "value") == Decimal("14") * Decimal(
        "34.79"
    )
    assert value(facilities, "Beta Correctional Center", "volunteers") == 1
    assert value(facilities, "All facilities", "volunteers") == 2
    years = found["value-by-year"]
    assert years.rows[0][:3] == [2024, Decimal("16"), Decimal("34.79")]
    assert "No rate for 2025: the 2024 rate is used" in years.rows[1][3]
    assert years.rows[1][4] == Decimal("4") * Decimal("34.79")


def test_a_later_years_rate_is_used_for_that_year(client: Client, world: World) -> None:
    HourValue.objects.create(year=2025, rate=Decimal("36.00"), source="Independent Sector 2025")

    years = tables(client, world.pic, "hours", date_from="2024-01-01", date_to="2025-12-31")[
        "value-by-year"
    ]

    assert years.rows[1][2:5] == [Decimal("36.00"), "Independent Sector 2025", Decimal("144.0000")]


def test_fte_divides_by_2080_hours_a_year(client: Client, world: World) -> None:
    facilities = tables(client, world.pic, "hours", **YEAR_2024)["hours-by-facility"]

    assert value(facilities, "All facilities", "fte") == 16 / 2080


def test_hours_by_month_and_area(client: Client, world: World) -> None:
    found = tables(client, world.pic, "hours", **YEAR_2024)

    assert found["hours-by-month"].rows == [
        ["March 2024", Decimal("10"), 1],
        ["June 2024", Decimal("6"), 1],
    ]
    assert value(found["hours-by-area"], "Education", "hours") == Decimal("16")
