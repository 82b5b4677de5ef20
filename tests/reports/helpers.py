import csv
import io
from typing import Any

from django.test import Client

from accounts.models import User
from reports.tables import Table

YEAR_2024 = {"date_from": "2024-01-01", "date_to": "2024-12-31"}


def url(page: str) -> str:
    return "/staff/reports/" if page == "overview" else f"/staff/reports/{page}/"


def tables(client: Client, user: User, page: str, **params: Any) -> dict[str, Table]:
    client.force_login(user)
    response = client.get(url(page), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return {table.slug: table for table in response.context["tables"]}


def row(table: Table, first: str) -> list[Any]:
    found = [r for r in table.rows if r[0] == first]
    assert len(found) == 1, (first, table.rows)
    return found[0]


def column(table: Table, key: str) -> int:
    return [c.key for c in table.columns].index(key)


def value(table: Table, first: str, key: str) -> Any:
    return row(table, first)[column(table, key)]


def read_csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))
