"""A coordinator's reports and CSV count their facilities only; the PIC Coordinator's all."""

from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEvent
from reports.queries import PAGES
from tests.reports.conftest import World
from tests.reports.helpers import YEAR_2024, read_csv, tables, url

FACILITY_TABLES = [
    ("overview", "volunteers"),
    ("pipeline", "days-by-facility"),
    ("pipeline", "information-requests"),
    ("workload", "workload"),
    ("compliance", "compliance"),
    ("hours", "hours-by-facility"),
]
NAMES = {"a": "Alpha Correctional Center", "b": "Beta Correctional Center"}


@pytest.mark.parametrize(("page", "slug"), FACILITY_TABLES)
@pytest.mark.parametrize(
    ("who", "sees"), [("iac_a", {"a"}), ("iac_b", {"b"}), ("pic", {"a", "b", "empty"})]
)
def test_facility_rows_are_the_users_facilities(
    client: Client, world: World, page: str, slug: str, who: str, sees: set[str]
) -> None:
    table = tables(client, getattr(world, who), page, **YEAR_2024)[slug]

    names = {r[0] for r in table.rows} - {"All facilities"}
    assert names == {getattr(world, key).name for key in sees}


@pytest.mark.parametrize(
    ("who", "funnel", "hours"),
    [
        ("iac_a", [4, 3, 1, 1, 1, 1], 10),
        ("iac_b", [1, 1, 1, 0, 0, 0], 6),
        ("pic", [5, 4, 2, 1, 1, 1], 16),
    ],
)
def test_totals_never_count_another_facilitys_rows(
    client: Client, world: World, who: str, funnel: list[int], hours: int
) -> None:
    user = getattr(world, who)
    assert [r[1] for r in tables(client, user, "pipeline", **YEAR_2024)["funnel"].rows] == funnel
    facilities = tables(client, user, "hours", **YEAR_2024)["hours-by-facility"]
    assert facilities.rows[-1][2] == hours

    response = client.get("/staff/reports/pipeline/funnel.csv", YEAR_2024)
    assert [int(r[1]) for r in read_csv(response)[1:]] == funnel


def test_another_facility_in_the_filter_is_an_error_not_its_figures(
    client: Client, world: World
) -> None:
    client.force_login(world.iac_a)

    response = client.get("/staff/reports/pipeline/", {**YEAR_2024, "facility": world.b.pk})
    assert response.status_code == 400
    assert response.context["tables"] == []
    assert b"Select a valid choice" in response.content
    csv_response = client.get("/staff/reports/pipeline/funnel.csv", {"facility": world.b.pk})
    assert csv_response.status_code == 400
    assert not hasattr(csv_response, "streaming_content")


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2024-12-31", "date_to": "2024-01-01"},
        {"date_from": "not a date"},
        {"kind": "<script>"},
        {"region": "999"},
        {"date_from": "1900-01-01", "date_to": "2024-01-01"},
    ],
    ids=["reversed", "not-a-date", "bad-kind", "unknown-region", "too-long"],
)
def test_bad_filters_come_back_with_errors(
    client: Client, world: World, params: dict[str, Any]
) -> None:
    client.force_login(world.pic)
    for page in PAGES:
        response = client.get(url(page), params)
        assert response.status_code == 400, page
        assert b"There is a problem" in response.content
        for value in params.values():
            if value != "<script>":
                assert (
                    f'value="{value}"'.encode() in response.content
                    or value.encode() in response.content
                )


def test_the_region_filter_groups_no_region(client: Client, world: World) -> None:
    found = tables(client, world.pic, "overview", region="none")
    assert [r[0] for r in found["volunteers"].rows] == [
        "Empty Correctional Center",
        "All facilities",
    ]


def test_a_csv_download_is_audited(client: Client, world: World) -> None:
    client.force_login(world.iac_a)
    response = client.get("/staff/reports/hours/hours-by-facility.csv", YEAR_2024)
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    read_csv(response)

    event = AuditEvent.objects.filter(action="reports.downloaded").get()
    assert event.actor_id == str(world.iac_a.pk)
    assert event.details["table"] == "hours-by-facility"
    assert event.details["date_from"] == "2024-01-01"
