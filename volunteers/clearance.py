"""The gate clearance list: who may come in at one facility on one day, and who may not.

Pure reads for the page, the PDF and the CSV (volunteers.views.clearance), one query set
whatever the number of people: grants, their completions and TB tests, the course list,
the bans, the grants refused, the agreements.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, overload

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from applications.models import AccessLevel, Person
from facilities.models import Facility
from volunteers.agreements import Unsigned, unsigned_by_person
from volunteers.compliance import Records, add_months, items_for, records_of
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
    grant: FacilityAccess,
    on: date,
    courses: list[Course],
    records: Records,
    unsigned: list[Unsigned],
) -> list[Warning]:
    warnings: list[Warning] = []
    soon = on + timedelta(days=WARNING_DAYS)
    if grant.expires_on and grant.expires_on <= soon:
        warnings.append(Warning(_("Access expires"), grant.expires_on))
    for item in items_for(grant, on, courses, records):
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


# Person columns no list row reads: the identifiers, the search column, and the phone
# numbers (each one parsed as the row loads).
PERSON_DEFERRED = (
    "person__phone",
    "person__emergency_contact_phone",
    "person__ssn_encrypted",
    "person__dl_number_encrypted",
    "person__search_text",
)


def admitted_grants(facility: Facility, on: date) -> QuerySet[FacilityAccess]:
    """The facility's grants active on `on`, in name order; a banned person's never."""
    banned = Ban.objects.active().filter(person=OuterRef("person"))
    return (
        FacilityAccess.objects.filter(
            facility=facility, status=AccessStatus.ACTIVE, starts_on__lte=on
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .filter(~Exists(banned))
        .select_related("person")
        .defer(*PERSON_DEFERRED)
        .order_by("person__last_name", "person__first_name", "pk")
    )


def admitted_rows(facility: Facility, on: date, grants: list[FacilityAccess]) -> list[Admitted]:
    """The rows of `grants` with their warnings: five queries whatever their number
    (courses, completions, TB tests, and the agreements' versions, settings, signatures)."""
    for grant in grants:
        grant.facility = facility  # the same row for all: not one Facility loaded per grant
    courses = list(Course.objects.filter(is_active=True))
    records = records_of(g.person_id for g in grants)
    unsigned = unsigned_by_person([g.person_id for g in grants], on)
    return [
        Admitted(
            grant=grant,
            level=grant.level_effective or grant.level_approved,
            warnings=_warnings(grant, on, courses, records, unsigned.get(grant.person_id, [])),
        )
        for grant in grants
    ]


def standing_bans() -> QuerySet[Ban]:
    return (
        Ban.objects.active()
        .select_related("person")
        .defer(*PERSON_DEFERRED)
        .order_by("person__last_name", "person__first_name", "pk")
    )


def ban_row(ban: Ban) -> Refused:
    return Refused(person=ban.person, reason=_banned(), since=ban.banned_on)


def _banned() -> str:
    return _("Banned statewide")


def _badge_refused(status: str, returned: bool | None) -> str:
    """Why a badge is refused: its grant's status, and whether it never came back."""
    reason = str(AccessStatus(status).label)
    if returned is False:
        reason = _("%(status)s; badge not returned") % {"status": reason}
    return reason


def clearance_list(facility: Facility, on: date) -> ClearanceList:
    """The whole list (the PDF and the CSV): every row, each kind read once."""
    admitted = admitted_rows(facility, on, list(admitted_grants(facility, on)))
    refused = [ban_row(ban) for ban in standing_bans()]
    refused.extend(refused_row(grant) for grant in refused_badges(facility, on))
    return ClearanceList(facility=facility, on=on, admitted=admitted, refused=refused)


def refused_badges(facility: Facility, on: date) -> QuerySet[FacilityAccess]:
    """Badges of this facility suspended, expired, ended or revoked in the last 12 months,
    or never returned (whenever the grant ended)."""
    cutoff = add_months(on, -REFUSED_MONTHS)
    recent = Q(status_since__gte=cutoff) | Q(
        status_since__isnull=True, updated_at__date__gte=cutoff
    )
    return (
        FacilityAccess.objects.filter(facility=facility, status__in=REFUSED_STATUSES)
        .exclude(badge_number__isnull=True)
        .filter(recent | Q(badge_returned=False))
        .select_related("person")
        .defer(*PERSON_DEFERRED)
        .order_by("person__last_name", "person__first_name", "pk")
    )


def refused_row(grant: FacilityAccess) -> Refused:
    return Refused(
        person=grant.person,
        reason=_badge_refused(grant.status, grant.badge_returned),
        badge_number=grant.badge_number or "",
        since=grant.status_since,
        grant=grant,
    )


class Refusals(Sequence[Refused]):
    """The "do not admit" list as one sequence for a paginator: the statewide bans, then
    this facility's refused badges, each in name order; a page is one query (a union)."""

    def __init__(self, facility: Facility, on: date, bans: int, badges: int) -> None:
        self.facility, self.on = facility, on
        self.bans, self.badges = bans, badges

    def __len__(self) -> int:
        return self.bans + self.badges

    @overload
    def __getitem__(self, index: int) -> Refused: ...

    @overload
    def __getitem__(self, index: slice) -> list[Refused]: ...

    def __getitem__(self, index: int | slice) -> Refused | list[Refused]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        bans = Ban.objects.active().order_by().values(**_refusal_columns(0, "banned_on"))
        badges = (
            refused_badges(self.facility, self.on)
            .order_by()
            .values(**_refusal_columns(1, "status_since"))
        )
        rows = bans.union(badges, all=True).order_by("source", "last", "first", "pk")
        return [_refused(row) for row in rows[index]]


def _refusal_columns(source: int, since: str) -> dict[str, Any]:
    """The columns both halves of the union read, in one order."""
    ban = source == 0
    return {
        "source": Value(source),
        "last": F("person__last_name"),
        "first": F("person__first_name"),
        "pk": F("pk"),
        "middle": F("person__middle_name"),
        "suffix": F("person__suffix"),
        "email": F("person__email"),
        "badge": Value("") if ban else Coalesce(F("badge_number"), Value("")),
        "state": Value("") if ban else F("status"),
        "returned": Value(None, BooleanField()) if ban else F("badge_returned"),
        "since": F(since),
    }


def _refused(row: Mapping[str, Any]) -> Refused:
    person = Person(
        first_name=row["first"],
        middle_name=row["middle"],
        last_name=row["last"],
        suffix=row["suffix"],
        email=row["email"],
    )
    if row["source"] == 0:
        return Refused(person=person, reason=_banned(), since=row["since"])
    reason = _badge_refused(row["state"], row["returned"])
    return Refused(person=person, reason=reason, badge_number=row["badge"], since=row["since"])


def list_counts(facility: Facility, on: date) -> dict[str, int]:
    """How many are admitted, banned statewide and refused by badge: one query."""
    counted = {
        "admitted": admitted_grants(facility, on),
        "bans": Ban.objects.active(),
        "badges": refused_badges(facility, on),
    }
    row: Mapping[str, Any] = (
        Facility.objects.filter(pk=facility.pk)
        .values(**{name: _count(qs) for name, qs in counted.items()})
        .get()
    )
    return {name: int(row[name] or 0) for name in counted}


def _count(queryset: QuerySet[Any]) -> Subquery:
    rows = queryset.order_by().values(one=Value(1)).values("one").annotate(n=Count("*"))
    return Subquery(rows.values("n"), output_field=IntegerField())
