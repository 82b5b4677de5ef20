import pytest
from django.test import Client

from tests.factories import StaffUserFactory

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/staff/reports/", "/staff/reports/pipeline/", "/staff/reports/workload/", "/staff/reports/compliance/", "/staff/reports/hours/", "/staff/reports/audit/", "/staff/reports/hours/hours-by-month.csv", "/staff/reports/audit.csv"])
def test_pages(client: Client, url: str) -> None:
    client.force_login(StaffUserFactory.create(pic_coordinator=True))
    r = client.get(url)
    assert r.status_code == 200, r.content[:3000]
