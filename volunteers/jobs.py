"""This app's part of the daily sweep (volunteers.sweep collects every app's DAILY_JOBS)."""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from volunteers.agreement_sweep import agreement_reminders
from volunteers.kiosk import close_open_visits
from volunteers.models import AccessEventKind, AccessStatus, FacilityAccess
from volunteers.sweep import (
    Digest,
    Job,
    contact_eligibility,
    expire_access,
    expiring_items,
    flag_inactivity,
    once,
)


def suspension_reviews(today: date, digest: Digest) -> int:
    """A suspension whose review date has come is put in the facility coordinators' digest,
    once. Due on or before today (not only today) so that a day the timer missed still
    brings it up; `once` keys on the review date, so a later suspension of the same grant
    with its own review date is brought up again."""
    due = FacilityAccess.objects.filter(
        status=AccessStatus.SUSPENDED, review_on__isnull=False, review_on__lte=today
    ).select_related("person")
    count = 0
    for grant in due:
        assert grant.review_on is not None
        if not once("suspension_review", grant.pk, 0, grant.review_on, today):
            continue
        suspended = grant.events.filter(kind=AccessEventKind.SUSPENDED).order_by("-pk").first()
        digest.to_facility(
            grant.facility_id,
            _(
                "%(name)s (badge %(badge)s): the suspension (“%(reason)s”) is due for review "
                "on %(date)s: restore, end or revoke the access."
            )
            % {
                "name": grant.person,
                "badge": grant.badge_number,
                "reason": suspended.text if suspended else "",
                "date": date_format(grant.review_on),
            },
        )
        count += 1
    return count


DAILY_JOBS: list[Job] = [
    expire_access,
    contact_eligibility,
    expiring_items,
    flag_inactivity,
    close_open_visits,
    agreement_reminders,
    suspension_reviews,
]
