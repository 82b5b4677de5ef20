"""Issue 11's budget for the overview and pipeline pages: at most 12 queries, the same at
two data sizes, for the PIC Coordinator and for a coordinator; and the facility rows the
pages share with the filter's facility choices (one read) follow the filters."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports.filters import NO_REGION
from tests.reports.conftest import World
from tests.reports.helpers import YEAR_2024, tables, url
from tests.reports.test_csv_charts_queries import _more

BUDGET = 12
# SQLite has no percentile_cont: each of the pipeline's three groupings with a median reads
# its ordered column in a query of its own (reports.stats.summarize). Issue 11's budget is
# PostgreSQL's, where the counts and the percentiles come back together.
SQLITE_PERCENTILE_READS = {"overview": 0, "pipeline": 3}


@pytest.mark.parametrize("page", ["overview", "pipeline"])
@pytest.mark.parametrize("who", ["pic", "iac_a"])
def test_the_page_stays_within_twelve_queries_at_two_sizes(
    client: Client, world: World, page: str, who: str
) -> None:
    client.force_login(getattr(world, who))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(page), YEAR_2024).status_code == 200
        return len(queries)

    small = count()
    _more(world, 5)
    extra = SQLITE_PERCENTILE_READS[page] if connection.vendor == "sqlite" else 0
    assert small <= BUDGET + extra
    assert count() == small


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        (
            {},
            ["Alpha Correctional Center", "Beta Correctional Center", "Empty Correctional Center"],
        ),
        ({"facility": "AAA"}, ["Alpha Correctional Center"]),
        ({"region": NO_REGION}, ["Empty Correctional Center"]),
        ({"region": "north"}, ["Alpha Correctional Center", "Beta Correctional Center"]),
    ],
)
def test_the_facility_rows_follow_the_filters_and_the_choices_stay_whole(
    client: Client, world: World, filters: dict[str, str], shown: list[str]
) -> None:
    if filters.get("facility"):
        filters = {"facility": str(world.a.pk)}
    if filters.get("region") == "north":
        assert world.a.region is not None
        filters = {"region": str(world.a.region.pk)}
    found = tables(client, world.pic, "pipeline", **YEAR_2024, **filters)

    assert [r[0] for r in found["days-by-facility"].rows] == shown
    assert [r[0] for r in found["information-requests"].rows] == shown
    response = client.get(url("pipeline"), {**YEAR_2024, **filters})
    choices = [str(label) for _value, label in response.context["form"].fields["facility"].choices]
    assert choices[1:] == [
        "Alpha Correctional Center (AAA)",
        "Beta Correctional Center (BBB)",
        "Empty Correctional Center (EEE)",
    ]
