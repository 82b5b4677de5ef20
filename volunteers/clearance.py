"""The gate clearance list: who may come in at one facility on one day, and who may not.

Pure reads for the page, the PDF and the CSV (volunteers.views.clearance), one query set
whatever the number of people: grants, their completions and TB tests, the course list,
the bans, the grants refused, the agreements.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from applications.models import AccessLevel, Person
from facilities.models import Facility
from volunteers.agreements import Unsigned, unsigned_by_person
from volunteers.compliance import add_months, items_for
from volunteers.models import AccessStatus, Ban, Course, FacilityAccess

# "Anything expiring within 7 days" (issue 9 §4): what the officer is warned about.
WARNING_DAYS = 7
# Badges of the facility suspended, expired, ended or revoked this recently are refused.
REFUSED_MONTHS = 12
REFUSED_STATUSES = (
    AccessStatus.SUSPENDED,
    AccessStatus.EXPIRED,
    AccessStatus.ENDED,
    AccessStatus.REVOKED,
)


@dataclass(frozen=True)
class Warning:
    label: str
    on: date | None
    overdue: bool = False  # already past: an expired item or an agreement overdue

    def text(self) -> str:
        if self.overdue and self.on is None:
            return self.label
        when = self.on.isoformat() if self.on else ""
        return f"{self.label} ({when})" if when else self.label


@dataclass(frozen=True)
class Admitted:
    grant: FacilityAccess
    level: str
    warnings: list[Warning] = field(default_factory=list)

    @property
    def is_contact(self) -> bool:
        return self.level == AccessLevel.CONTACT

    @property
    def level_label(self) -> str:
        return _("CONTACT") if self.is_contact else _("NO CONTACT")


@dataclass(frozen=True)
class Refused:
    person: Person
    reason: str
    badge_number: str = ""
    since: date | None = None
    grant: FacilityAccess | None = None


@dataclass(frozen=True)
class ClearanceList:
    facility: Facility
    on: date
    admitted: list[Admitted]
    refused: list[Refused]


def _warnings(
    grant: FacilityAccess, on: date, courses: list[Course], unsigned: list[Unsigned]
) -> list[Warning]:
    warnings: list[Warning] = []
    soon = on + timedelta(days=WARNING_DAYS)
    if grant.expires_on and grant.expires_on <= soon:
        warnings.append(Warning(_("Access expires"), grant.expires_on))
    for item in items_for(grant, on, courses):
        if item.expires_on is None:
            continue
        if not item.is_current(on):
            if item.done:
                warnings.append(
                    Warning(_("%(item)s expired") % {"item": item.label}, item.expires_on, True)
                )
        elif item.expires_on <= soon:
            warnings.append(Warning(_("%(item)s expires") % {"item": item.label}, item.expires_on))
    for entry in unsigned:
        if entry.is_overdue(on):
            warnings.append(
                Warning(
                    _("Agreement overdue: %(title)s") % {"title": entry.version.title},
                    entry.deadline,
                    True,
                )
            )
        elif entry.is_due_within(on, WARNING_DAYS):
            warnings.append(
                Warning(
                    _("Agreement to sign: %(title)s") % {"title": entry.version.title},
                    entry.deadline,
                )
            )
    return warnings


def clearance_list(facility: Facility, on: date) -> ClearanceList:
    banned = list(
        Ban.objects.active()
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    banned_ids = {ban.person_id for ban in banned}
    grants = [
        grant
        for grant in FacilityAccess.objects.filter(
            facility=facility,
            status=AccessStatus.ACTIVE,
            starts_on__lte=on,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .select_related("person", "facility")
        .prefetch_related("person__completions", "person__tb_tests")
        .order_by("person__last_name", "person__first_name", "pk")
        if grant.person_id not in banned_ids
    ]
    courses = list(Course.objects.filter(is_active=True))
    unsigned = unsigned_by_person([g.person_id for g in grants], on)
    admitted = [
        Admitted(
            grant=grant,
            level=grant.level_effective or grant.level_approved,
            warnings=_warnings(grant, on, courses, unsigned.get(grant.person_id, [])),
        )
        for grant in grants
    ]
    refused = [
        Refused(person=ban.person, reason=_("Banned statewide"), since=ban.banned_on)
        for ban in banned
    ]
    refused.extend(_refused_badges(facility, on, banned_ids))
    return ClearanceList(facility=facility, on=on, admitted=admitted, refused=refused)


def _refused_badges(facility: Facility, on: date, banned_ids: set[int]) -> list[Refused]:
    """Badges of this facility suspended, expired, ended or revoked in the last 12 months,
    or never returned (whenever the grant ended)."""
    cutoff = add_months(on, -REFUSED_MONTHS)
    recent = Q(status_since__gte=cutoff) | Q(
        status_since__isnull=True, updated_at__date__gte=cutoff
    )
    grants = (
        FacilityAccess.objects.filter(facility=facility, status__in=REFUSED_STATUSES)
        .exclude(badge_number__isnull=True)
        .filter(recent | Q(badge_returned=False))
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    out = []
    for grant in grants:
        reason = str(grant.get_status_display())
        if grant.badge_returned is False:
            reason = _("%(status)s; badge not returned") % {"status": reason}
        out.append(
            Refused(
                person=grant.person,
                reason=reason,
                badge_number=grant.badge_number or "",
                since=grant.status_since,
                grant=grant,
            )
        )
    return out
