"""The CSV equals the table; charts render as pictures, also with no data; query counts do
not grow with the data; the audit viewer is the PIC Coordinator's and is itself audited."""

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from audit.services import record
from reports.charts import bar_chart, column_chart, line_chart
from reports.queries import PAGES
from reports.tables import csv_value
from tests.reports.conftest import World, application, at, grant, hours, person
from tests.reports.helpers import YEAR_2024, read_csv, tables, url


@pytest.mark.parametrize("page", list(PAGES))
def test_every_csv_equals_its_table(client: Client, world: World, page: str) -> None:
    found = tables(client, world.pic, page, **YEAR_2024)
    assert found
    for slug, table in found.items():
        response = client.get(f"/staff/reports/{page}/{slug}.csv", YEAR_2024)
        lines = read_csv(response)

        assert lines[0] == [c.label for c in table.columns]
        expected = [
            [str(csv_value(v, c.kind)) for v, c in zip(r, table.columns, strict=True)]
            for r in table.rows
        ]
        if table.is_truncated:
            assert lines[1 : len(expected) + 1] == expected
        else:
            assert lines[1:] == expected, slug


def test_csv_dates_are_iso_and_formulas_neutralized(client: Client, world: World) -> None:
    from applications.models import Person

    Person.objects.filter(first_name="Dee").update(first_name="=HYPERLINK(1)")
    client.force_login(world.pic)
    lines = read_csv(client.get("/staff/reports/overview/under19.csv"))

    assert lines[1][0].startswith("'=HYPERLINK")
    assert lines[1][3] == world.leap_born.isoformat()


CHARTS = {
    "bar": lambda labels, values: bar_chart(
        title="Funnel", labels=labels, values=values, x_label="Applications", y_label="Stage"
    ),
    "column": lambda labels, values: column_chart(
        title="Hours by month", labels=labels, values=values, x_label="Month", y_label="Hours"
    ),
    "line": lambda labels, values: line_chart(
        title="Days to decision by month",
        labels=labels,
        series={
            "Median": values,
            "90th percentile": [v * 1.6 if v is not None else None for v in values],
        },
        x_label="Month of decision",
        y_label="Days",
    ),
}


def _png(svg: str, target: Path) -> None:
    """A picture a person can look at: rsvg-convert if present, else headless Chromium."""
    source = target.with_suffix(".svg")
    source.write_text(svg, encoding="utf-8")
    if shutil.which("rsvg-convert"):
        subprocess.run(["rsvg-convert", "-o", str(target), str(source)], check=True, timeout=60)
        return
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no SVG renderer here")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={target}",
            "--window-size=720,420",
            source.as_uri(),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )


@pytest.mark.parametrize("kind", list(CHARTS))
@pytest.mark.parametrize("data", ["some", "none"])
def test_charts_render_with_and_without_data(kind: str, data: str, artifacts_dir: Path) -> None:
    labels = ["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024", "May 2024"] if data == "some" else []
    values: list[Any] = [12, 30.5, 7, 0, 18] if data == "some" else []
    chart = CHARTS[kind](labels, values)

    svg = render_to_string("reports/_chart.html", {"chart": chart, "id": kind})
    assert "<title" in svg
    assert chart.title in svg
    assert chart.x_label in svg
    assert chart.y_label in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert ("No data for these filters." in svg) == (data == "none")
    target = artifacts_dir / f"report-chart-{kind}-{data}.png"
    _png(svg.split('<figure class="report-chart">', 1)[1].split("<figcaption", 1)[0], target)
    assert target.stat().st_size > 1000


def _more(world: World, n: int) -> None:
    """n more applications, grants and hours at each facility."""
    for facility in (world.a, world.b):
        for i in range(n):
            who = person(f"More{i} {facility.code}")
            app = application(
                facility,
                who,
                submitted=at(2024, 5, 1 + i),
                status="approved",
                reviewed=True,
                decided=at(2024, 6, 1 + i),
            )
            access = grant(app)
            hours(access, at(2024, 7, 1 + i).date(), "3")


@pytest.mark.parametrize("page", [*PAGES, "audit"])
def test_query_counts_do_not_grow_with_the_data(client: Client, world: World, page: str) -> None:
    client.force_login(world.pic)
    address = "/staff/reports/audit/" if page == "audit" else url(page)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address, YEAR_2024).status_code == 200
        return len(queries)

    small = count()
    _more(world, 4)
    for i in range(60):
        record(by=world.pic, action=f"test.row{i}")
    assert count() == small


def test_the_audit_viewer_is_the_pic_coordinators_and_is_audited(
    client: Client, world: World
) -> None:
    record(by=world.iac_a, action="screening.decided", facility=world.a)
    record(by=world.iac_b, action="screening.decided", facility=world.b)
    client.force_login(world.iac_a)
    assert client.get("/staff/reports/audit/").status_code == 403
    assert client.get("/staff/reports/audit.csv").status_code == 403

    client.force_login(world.pic)
    response = client.get("/staff/reports/audit/", {"action": "screening.", "facility": "AAA"})
    assert response.status_code == 200
    assert [e.facility_code for e in response.context["page_obj"]] == ["AAA"]
    viewed = AuditEvent.objects.filter(action="reports.audit_viewed").get()
    assert viewed.details["facility"] == "AAA"

    lines = read_csv(client.get("/staff/reports/audit.csv", {"actor": world.iac_b.email}))
    assert lines[0][:2] == ["when", "action"]
    assert [line[1] for line in lines[1:]] == ["screening.decided"]
    assert AuditEvent.objects.filter(action="reports.audit_downloaded").count() == 1
    bad = client.get("/staff/reports/audit/", {"date_from": "2024-02-01", "date_to": "2024-01-01"})
    assert bad.status_code == 400
    assert b"There is a problem" in bad.content


def test_the_audit_viewer_pages(client: Client, world: World) -> None:
    for i in range(55):
        record(by=world.pic, action=f"test.row{i}")
    client.force_login(world.pic)
    first = client.get("/staff/reports/audit/", {"action": "test."})
    second = client.get("/staff/reports/audit/", {"action": "test.", "page": 2})

    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 5
    assert b"page=2" in first.content
