"""Recognition: service milestones and the National Volunteer Week certificates.

Years of service count from a person's first activation anywhere (the earliest "activated"
event of any of their grants, or the earliest start date of one, whichever is first), in
whole years as age is counted (applications.age: 29 February reaches its anniversary on
1 March). Hours milestones count approved hours anywhere; a certificate shows the approved
hours of this calendar year at its facility.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import task

from applications import age
from audit.services import record
from facilities.models import Facility
from outreach.models import CertificateJob, JobStatus
from volunteers.models import (
    AccessEvent,
    AccessEventKind,
    AccessStatus,
    FacilityAccess,
    HourEntry,
    HourStatus,
)

HOUR_MILESTONES = (100, 500, 1000)
YEAR_MILESTONES = (1, 5, 10)
# Certificates rendered per WeasyPrint pass: the job's progress moves after each.
CERTIFICATE_CHUNK = 50


@dataclass
class Standing:
    """One grant's figures for recognition."""

    grant: FacilityAccess
    hours_this_year: Decimal
    hours_total: Decimal
    first_activated_on: date | None
    years: int
    hour_milestones: list[int] = field(default_factory=list)
    year_milestones: list[int] = field(default_factory=list)

    @property
    def next_hours(self) -> int | None:
        return next((m for m in HOUR_MILESTONES if m not in self.hour_milestones), None)

    @property
    def next_years(self) -> int | None:
        return next((m for m in YEAR_MILESTONES if m not in self.year_milestones), None)


def first_activation(starts_on: date | None, activated_at: datetime | None) -> date | None:
    """The day service began: the earlier of the first start date and the first activation."""
    days = [d for d in (starts_on, age.today(activated_at) if activated_at else None) if d]
    return min(days) if days else None


def years_of_service(first: date | None, on: date) -> int:
    return age.age_on(first, on) if first and first <= on else 0


def reached(value: Decimal | int, milestones: tuple[int, ...]) -> list[int]:
    return [m for m in milestones if value >= m]


def _hours_sum(**filters: Any) -> Coalesce:
    total = (
        HourEntry.objects.filter(status=HourStatus.APPROVED, **filters)
        .order_by()
        .values("person")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    output: DecimalField[Decimal, Decimal] = DecimalField(max_digits=9, decimal_places=2)
    return Coalesce(Subquery(total, output_field=output), Value(Decimal(0)), output_field=output)


def with_standing(grants: QuerySet[FacilityAccess], year: int) -> QuerySet[FacilityAccess]:
    """`grants` annotated with what recognition needs, in one query."""
    person = OuterRef("person")
    first_start = (
        FacilityAccess.objects.filter(person=person, starts_on__isnull=False)
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    first_event = (
        AccessEvent.objects.filter(access__person=person, kind=AccessEventKind.ACTIVATED)
        .order_by("at")
        .values("at")[:1]
    )
    return grants.select_related("person", "facility").annotate(
        hours_year=_hours_sum(person=person, facility=OuterRef("facility"), worked_on__year=year),
        hours_total=_hours_sum(person=person),
        first_start=Subquery(first_start),
        first_event=Subquery(first_event),
    )


def standings(grants: QuerySet[FacilityAccess], on: date) -> list[Standing]:
    """Each grant's hours, years of service and milestones reached as of `on`."""
    out = []
    for grant in with_standing(grants, on.year):
        first = first_activation(grant.first_start, grant.first_event)  # type: ignore[attr-defined]
        years = years_of_service(first, on)
        total: Decimal = grant.hours_total  # type: ignore[attr-defined]
        out.append(
            Standing(
                grant=grant,
                hours_this_year=grant.hours_year,  # type: ignore[attr-defined]
                hours_total=total,
                first_activated_on=first,
                years=years,
                hour_milestones=reached(total, HOUR_MILESTONES),
                year_milestones=reached(years, YEAR_MILESTONES),
            )
        )
    return out


def active_grants(facility: Facility | None) -> QuerySet[FacilityAccess]:
    """The active volunteers of a facility, or of the state when `facility` is None."""
    grants = FacilityAccess.objects.filter(status=AccessStatus.ACTIVE)
    if facility is not None:
        grants = grants.filter(facility=facility)
    return grants.order_by("facility__name", "person__last_name", "person__first_name", "pk")


@transaction.atomic
def request_certificates(*, facility: Facility | None, by: Any) -> CertificateJob:
    """Record a certificate job for this year, audit it, and start it on commit."""
    job = CertificateJob.objects.create(
        facility=facility,
        year=age.today().year,
        requested_by=by,
        total=active_grants(facility).count(),
    )
    record(
        by=by,
        action="outreach.certificates_requested",
        target=job,
        facility=facility,
        details={"year": job.year, "certificates": job.total},
    )
    transaction.on_commit(lambda: make_certificates.enqueue(job_id=job.pk))
    return job


def _progress(job_id: int, done: int) -> None:
    CertificateJob.objects.filter(pk=job_id).update(done=done)


@task()
def make_certificates(*, job_id: int) -> None:
    """Render every active volunteer's certificate into one PDF, moving the job's progress
    after each batch; the PDF is kept in private storage on the job row."""
    from outreach.recognition_pdf import certificates_pdf

    job = CertificateJob.objects.select_related("facility").get(pk=job_id)
    rows = standings(active_grants(job.facility), age.today())
    CertificateJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), total=len(rows), done=0
    )
    try:
        content = certificates_pdf(rows, job.year, lambda done: _progress(job.pk, done))
    except Exception as exc:
        CertificateJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    if content is not None:
        where = job.facility.code if job.facility else "statewide"
        job.file.save(f"certificates-{where}-{job.year}.pdf", ContentFile(content), save=False)
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
