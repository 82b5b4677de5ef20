"""The agreements' part of the daily sweep: a reminder 7 days before a new version's
signing deadline (once), and the coordinators told once when it has passed."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from facilities.models import ProgramSettings
from volunteers.agreements import unsigned_by_person
from volunteers.models import AccessStatus, FacilityAccess
from volunteers.sweep import Digest, once


def agreement_reminders(today: date, digest: Digest) -> int:
    """Each active volunteer with an unsigned current version: reminded once when its
    deadline is at most the final-reminder days away; their coordinators told once when it
    is overdue."""
    final = ProgramSettings.load().final_reminder_days
    grants = list(
        FacilityAccess.objects.filter(status=AccessStatus.ACTIVE).select_related(
            "person", "facility"
        )
    )
    unsigned = unsigned_by_person({g.person_id for g in grants}, today)
    count = 0
    for grant in grants:
        person = grant.person
        for entry in unsigned.get(grant.person_id, []):
            version, deadline = entry.version, entry.deadline
            if entry.is_overdue(today):
                if once(f"agreement:{version.pk}:facility", grant.pk, 0, deadline, today):
                    digest.to_facility(
                        grant.facility_id,
                        _("%(name)s (badge %(badge)s): “%(title)s” was due on %(date)s.")
                        % {
                            "name": person,
                            "badge": grant.badge_number,
                            "title": version.title,
                            "date": deadline,
                        },
                    )
            elif deadline - today <= timedelta(days=final) and once(
                f"agreement:{version.pk}", person.pk, final, deadline, today
            ):
                digest.to_person(
                    person.email,
                    person.preferred_language,
                    _("Please sign “%(title)s” by %(date)s.")
                    % {"title": version.title, "date": deadline},
                )
                count += 1
    return count
