"""seed_bench at a small scale: deterministic, shaped like the services' rows, cleared."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, OuterRef, Subquery
from django.test import Client

from applications.models import Application, ApplicationEvent, Person, Status
from reports.bench import BENCH_DOMAIN
from tests.factories import FacilityFactory, StaffUserFactory
from volunteers.models import FacilityAccess, HourEntry


@pytest.mark.django_db
def test_seed_bench_small_then_clear(client: Client) -> None:
    for n in range(3):
        FacilityFactory.create(code=f"S{n}")
    out = io.StringIO()
    call_command("seed_bench", scale=0.002, stdout=out)

    assert Application.objects.count() == 200
    assert FacilityAccess.objects.count() == 40
    assert HourEntry.objects.approved().count() == 2000
    assert "100%" in out.getvalue()
    assert set(Application.objects.values_list("facility__code", flat=True)) == {"S0", "S1", "S2"}
    statuses = dict(Application.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses[Status.APPROVED] > statuses[Status.DECLINED] > statuses.get(Status.DRAFT, 0)
    assert not Person.objects.exclude(email__endswith=f"@{BENCH_DOMAIN}").exists()
    # reviewed_at is what status.transition sets: the first move to in review, as the events say.
    to_review = ApplicationEvent.objects.filter(
        application=OuterRef("pk"), to_status=Status.IN_REVIEW
    )
    first_review = to_review.order_by("at").values("at")[:1]
    mismatched = Application.objects.annotate(first=Subquery(first_review)).exclude(
        reviewed_at__isnull=True, first__isnull=True
    )
    assert mismatched.exists()
    assert not mismatched.exclude(reviewed_at=F("first")).exists()
    first = list(
        Application.objects.order_by("pk").values_list("reference", "status", "facility__code")[:20]
    )

    client.force_login(StaffUserFactory.create(pic_coordinator=True))
    for url in [
        "/staff/reports/",
        "/staff/reports/pipeline/",
        "/staff/reports/workload/",
        "/staff/reports/compliance/",
        "/staff/reports/hours/",
        "/staff/reports/audit/",
    ]:
        assert client.get(url).status_code == 200, url

    timings = io.StringIO()
    call_command("bench_reports", runs=1, stdout=timings)
    lines = timings.getvalue().splitlines()
    assert lines[0].split() == ["report", "ms", "queries"]
    assert [line.split()[0] for line in lines[1:6]] == [
        "overview",
        "pipeline",
        "workload",
        "compliance",
        "hours",
    ]

    call_command("seed_bench", clear=True, stdout=io.StringIO())
    # The bench PIC Coordinator's account stays; every bench person and row is gone.
    assert not Person.objects.exists()
    assert not Application.objects.exists()
    assert not HourEntry.objects.exists()
    assert not FacilityAccess.objects.exists()

    call_command("seed_bench", scale=0.002, stdout=io.StringIO())
    again = list(
        Application.objects.order_by("pk").values_list("reference", "status", "facility__code")[:20]
    )
    assert again == first  # deterministic
