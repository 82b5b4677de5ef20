"""Screening's part of the daily sweep (volunteers.sweep collects every app's DAILY_JOBS)."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import InformationRequest, Status
from volunteers.sweep import Digest, Job, once


def overdue_information_requests(today: date, digest: Digest) -> int:
    """Information requests past their deadline are listed for the coordinators."""
    overdue = InformationRequest.objects.filter(
        answered_at__isnull=True, due_on__lt=today, application__status=Status.INFO_REQUESTED
    ).select_related("application")
    count = 0
    for request in overdue:
        if once("info_request_overdue", request.pk, 0, request.due_on, today):
            digest.to_facility(
                request.application.facility_id,
                _(
                    "%(reference)s: the information requested was due %(date)s and has not "
                    "been answered."
                )
                % {"reference": request.application.reference, "date": date_format(request.due_on)},
            )
            count += 1
    return count


DAILY_JOBS: list[Job] = [overdue_information_requests]
