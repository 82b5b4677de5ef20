"""The compliance table's states on a hand-built dataset whose answers are known: each
item current, expiring within the window and lapsed (training per course, a course taken
at another facility, the latest TB test by day and then by id, agreements of past,
current and coming versions), so that the way the states are computed (sets of people
read once, not a probe per grant) can change without the figures changing."""

import importlib
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from facilities.models import Facility, ProgramSettings
from reports.filters import Scope
from reports.queries.compliance import by_facility, compliance
from reports.tables import Table
from tests.factories import FacilityFactory
from tests.reports.conftest import application, at, grant, person
from volunteers import compliance_dates
from volunteers.compliance import add_months
from volunteers.models import (
    AccessStatus,
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    TBResult,
    TBTest,
    TrainingCompletion,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


def _grant(facility: Facility, name: str, status: str = AccessStatus.ACTIVE) -> FacilityAccess:
    app = application(facility, person(name), submitted=at(2024, 1, 5), status="approved")
    return grant(app, status=status, expires=TODAY + timedelta(days=400))


def _tb(access: FacilityAccess, tested_on: date, result: str, valid_until: date) -> None:
    TBTest.objects.create(
        person=access.person, tested_on=tested_on, result=result, valid_until=valid_until
    )


def _done(access: FacilityAccess, course: Course, on: date, at: Facility | None = None) -> None:
    TrainingCompletion.objects.create(
        person=access.person, course=course, completed_on=on, hours=Decimal(1), facility=at
    )


def _version(kind: str, number: int, effective_on: date) -> AgreementVersion:
    return AgreementVersion.objects.create(
        kind=kind,
        version=number,
        title=f"{kind} {number}",
        text_en="Text",
        effective_on=effective_on,
        content_hash=f"{kind}{number}",
    )


def _sign(access: FacilityAccess, *versions: AgreementVersion) -> None:
    for version in versions:
        AgreementSignature.objects.create(
            person=access.person,
            version=version,
            signed_name=access.person.first_name,
            signed_on=TODAY - timedelta(days=1),
            version_hash=version.content_hash,
        )


def _figures(table: Table, facility: str) -> dict[str, Any]:
    keys = [column.key for column in table.columns]
    found = next(row for row in table.rows if row[0] == facility)
    return dict(zip(keys[1:], found[1:], strict=True))


def test_each_state_of_each_item() -> None:
    ProgramSettings.objects.filter(pk=1).update(reminder_window_days=60, agreement_signing_days=30)
    settings = ProgramSettings.load()
    Course.objects.update(is_active=False)
    prea = Course.objects.create(code="t-prea", name="PREA", validity_months=12)
    local = Course.objects.create(
        code="t-local", name="Local orientation", validity_months=24, per_facility=True
    )
    AgreementVersion.objects.all().delete()
    old = _version("service_agreement", 1, date(2019, 1, 1))  # superseded: not asked
    service = _version("service_agreement", 2, date(2020, 1, 1))  # deadline passed
    conduct = _version("code_of_conduct", 1, TODAY - timedelta(days=1))  # due in 29 days
    coming = _version("confidentiality", 1, TODAY + timedelta(days=10))  # due in 40 days

    tb_site = FacilityFactory.create(code="TTT", name="Tee Center", tb_test_required=True)
    plain = FacilityFactory.create(code="NNN", name="En Center", tb_test_required=False)
    far = TODAY + timedelta(days=365)
    recent = TODAY - timedelta(days=10)
    prea_expiring = add_months(TODAY, -12) + timedelta(days=20)
    prea_lapsed = add_months(TODAY, -13)
    local_expiring = add_months(TODAY, -24) + timedelta(days=15)

    # p1: everything current.
    p1 = _grant(tb_site, "Pat One")
    _tb(p1, TODAY - timedelta(days=30), TBResult.NEGATIVE, far)
    _done(p1, prea, recent)
    _done(p1, local, recent, tb_site)
    _sign(p1, service, conduct, coming)
    # p2: the latest TB test positive (an older clear one does not count), PREA lapsed
    # (the local course expiring is the lesser state), the service agreement alone signed.
    p2 = _grant(tb_site, "Pia Two")
    _tb(p2, TODAY - timedelta(days=300), TBResult.NEGATIVE, far)
    _tb(p2, TODAY - timedelta(days=20), TBResult.POSITIVE, far)
    _done(p2, prea, prea_lapsed)
    _done(p2, local, local_expiring, tb_site)
    _sign(p2, service)
    # p3: TB and PREA expiring within the window, the local course only taken elsewhere
    # (lapsed here), nothing signed (overdue: it outranks due).
    p3 = _grant(tb_site, "Quin Three")
    _tb(p3, TODAY - timedelta(days=345), TBResult.POSITIVE_CLEARED, TODAY + timedelta(days=20))
    _done(p3, prea, prea_expiring)
    _done(p3, local, recent, plain)
    # p6: two TB tests on one day, the later one (by id) positive: lapsed.
    p6 = _grant(tb_site, "Sal Six")
    _tb(p6, TODAY - timedelta(days=5), TBResult.NEGATIVE, far)
    _tb(p6, TODAY - timedelta(days=5), TBResult.POSITIVE, far)
    # p7: the latest TB test clear but no longer valid: lapsed.
    p7 = _grant(tb_site, "Tam Seven")
    _tb(p7, TODAY - timedelta(days=400), TBResult.NEGATIVE, TODAY - timedelta(days=1))
    # p8: TB current, the local course expiring: training expiring.
    p8 = _grant(tb_site, "Uma Eight")
    _tb(p8, TODAY - timedelta(days=30), TBResult.NEGATIVE, far)
    _done(p8, local, local_expiring, tb_site)
    for access in (p6, p7, p8):
        _done(access, prea, recent)
        _sign(access, service, conduct, coming)
    _done(p6, local, recent, tb_site)
    _done(p7, local, recent, tb_site)
    # p4, where no TB test is asked: no PREA, the old service version signed, not the
    # current one (overdue).
    p4 = _grant(plain, "Rue Four")
    _sign(p4, old, conduct, coming)
    # p5: expired, counted in its own column only.
    _grant(tb_site, "Vic Five", status=AccessStatus.EXPIRED)

    # The records above were written directly, past the services that keep each grant's
    # compliance dates: work them out as those services would have on that day.
    compliance_dates.refresh(today=TODAY)
    scope = Scope(Facility.objects.filter(code__in=["TTT", "NNN"]), TODAY, TODAY, "", "", TODAY)
    table, active = by_facility(scope, settings)

    assert _figures(table, "Tee Center") == {
        "active": 6,
        "access_expiring": 0,
        "expired": 1,
        "training_expiring": 1,  # p8
        "training_lapsed": 2,  # p2, p3
        "tb_expiring": 1,  # p3
        "tb_lapsed": 3,  # p2, p6, p7
        "agreement_due": 1,  # p2
        "agreement_overdue": 1,  # p3
    }
    assert _figures(table, "En Center") == {
        "active": 1,
        "access_expiring": 0,
        "expired": 0,
        "training_expiring": 0,
        "training_lapsed": 1,
        "tb_expiring": 0,
        "tb_lapsed": 0,
        "agreement_due": 0,
        "agreement_overdue": 1,
    }
    assert active == 7
    assert compliance(scope)[1].total == 7


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6, 7, 8])
def test_the_in_service_page_is_the_first_rows_of_the_whole_listing(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads the volunteers with no in-service hours first (by name) and sums the
    others' hours only when those do not fill it: whatever the page's length, its rows are
    the first rows of the CSV's listing (fewest hours first, then by name)."""
    module = importlib.import_module("reports.queries.compliance")

    facility = FacilityFactory(code="ISV", name="In-service Center")
    course = Course.objects.create(
        code="in-service", name="In-service", annual_hours_required=Decimal(4)
    )
    # Hours lie inside the year unless said otherwise; one completion falls before it.
    plan = {
        "Cy Able": [],
        "Al Baker": [Decimal(2)],
        "Bo Baker": [Decimal(1), Decimal(1)],  # the same sum as Al: by name
        "Di Cole": [],
        "Ed Dunn": [Decimal(5)],
        "Flo Ames": [],
    }
    for name, amounts in plan.items():
        access = _grant(facility, name)
        for amount in amounts:
            TrainingCompletion.objects.create(
                person=access.person, course=course, completed_on=TODAY, hours=amount
            )
    old = _grant(facility, "Gus Old")
    TrainingCompletion.objects.create(
        person=old.person,
        course=course,
        completed_on=add_months(TODAY, -13),
        hours=Decimal(8),
    )
    _grant(facility, "Hal Gone", status=AccessStatus.EXPIRED)
    scope = Scope(Facility.objects.filter(code="ISV"), TODAY, TODAY, "", "", TODAY)
    monkeypatch.setattr(module, "LISTING_LIMIT", limit)

    listing = compliance(scope)[1]
    every = list(listing.csv_rows())

    assert [row[0] for row in every] == [
        "Cy Able",
        "Flo Ames",
        "Di Cole",
        "Gus Old",  # hours before the year do not count
        "Al Baker",
        "Bo Baker",
        "Ed Dunn",
    ]
    assert [row[3] for row in every] == [0, 0, 0, 0, 2, 2, 5]
    assert listing.rows == every[:limit]
    assert listing.total == 7


def test_rows_kept_on_one_day_answer_for_the_days_after() -> None:
    """The kept dates and unsigned rows are written on the day of the last record; the
    report reads them on later days, as a coming version takes effect and its signing
    deadline passes: the same figures as rows kept on the day of the report."""
    ProgramSettings.objects.filter(pk=1).update(reminder_window_days=60, agreement_signing_days=30)
    settings = ProgramSettings.load()
    AgreementVersion.objects.all().delete()
    service = _version("service_agreement", 1, date(2020, 1, 1))
    _version("confidentiality", 1, TODAY + timedelta(days=10))  # to sign by TODAY + 40
    site = FacilityFactory.create(code="LLL", name="Later Center", tb_test_required=False)
    _sign(_grant(site, "Lee Later"), service)
    scope = Scope(Facility.objects.filter(code="LLL"), TODAY, TODAY, "", "", TODAY)
    compliance_dates.refresh(today=TODAY)
    states = []
    for later in (TODAY, TODAY + timedelta(days=15), TODAY + timedelta(days=45)):
        kept = _figures(by_facility(replace(scope, today=later), settings)[0], "Later Center")
        compliance_dates.refresh(today=later)
        fresh = _figures(by_facility(replace(scope, today=later), settings)[0], "Later Center")
        compliance_dates.refresh(today=TODAY)
        assert kept == fresh, later
        states.append((kept["agreement_due"], kept["agreement_overdue"]))
    assert states == [(1, 0), (1, 0), (0, 1)]  # coming, in effect, past its deadline
