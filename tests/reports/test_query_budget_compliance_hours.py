"""Issue 11's budget for the compliance, hours, workload and audit pages and the hours CSV:
at most 12 queries, the same at two data sizes, for the PIC Coordinator (statewide: the
hours tallies) and for a coordinator (the hours cells), over a year and inside one month
(the hours entries), with a person holding grants at two facilities (the hours page's one
extra query, for recounting them as people)."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.reports.conftest import World, application, at, grant, hours, person
from tests.reports.helpers import YEAR_2024

BUDGET = 12
ADDRESSES = {
    "compliance": "/staff/reports/compliance/",
    "hours": "/staff/reports/hours/",
    "hours CSV": "/staff/reports/hours/hours-by-facility.csv",
    "workload": "/staff/reports/workload/",
    "audit": "/staff/reports/audit/",
}
PERIODS = {"year": YEAR_2024, "one month": {"date_from": "2024-07-02", "date_to": "2024-07-20"}}


def _count(client: Client, user: User, address: str, params: dict[str, str]) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, params)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(queries)


def _grow(world: World, n: int) -> None:
    """n more people at each facility with a grant, hours in July and an in-service day."""
    for facility in (world.a, world.b):
        for i in range(n):
            who = person(f"Grown{i} {facility.code}")
            app = application(
                facility, who, submitted=at(2024, 5, 1 + i), status="approved", reviewed=True
            )
            access = grant(app)
            hours(access, date(2024, 7, 3 + i), "2")


def _two_places(world: World) -> None:
    who = person("Two Places")
    for facility in (world.a, world.b):
        app = application(facility, who, submitted=at(2024, 4, 1), status="approved")
        hours(grant(app), date(2024, 7, 10), "1")


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("page", list(ADDRESSES))
def test_within_budget_and_constant(client: Client, world: World, page: str, period: str) -> None:
    if page == "audit" and period != "year":
        pytest.skip("the audit viewer has its own filters")
    users = [world.pic] if page == "audit" else [world.pic, world.iac_a]
    params = PERIODS[period] if page != "audit" else {}
    small = [_count(client, user, ADDRESSES[page], params) for user in users]
    _grow(world, 5)
    _two_places(world)
    large = [_count(client, user, ADDRESSES[page], params) for user in users]
    assert max(large) <= BUDGET, (page, period, large)
    if page.startswith("hours") and period == "year":
        # Statewide, people with two grants are recounted by one more query.
        assert large[0] in (small[0], small[0] + 1)
        assert large[1:] == small[1:]
    else:
        assert large == small
