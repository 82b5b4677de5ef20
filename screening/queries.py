"""Read models for staff pages that cross apps."""

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from applications.models import (
    Application,
    ApplicationEvent,
    EventKind,
    Person,
    PossibleDuplicate,
    Status,
)
from facilities.access import Capability, facilities_for, facility_ids_for
from volunteers.models import LIVE_ACCESS, Ban, FacilityAccess


@dataclass(frozen=True)
class ElsewhereFact:
    facility: str
    what: str
    status: str


def statewide_facts(
    person: Person, user: Any, grants: list[FacilityAccess] | None = None
) -> list[ElsewhereFact]:
    """Status only (never answers or notes) of the person's open applications and access at
    facilities the user does not hold. `grants`: the person's grants a page has already
    read with their facilities (the live ones among them are counted)."""
    mine_ids = facility_ids_for(user, Capability.VIEW)
    if mine_ids is None:
        return []  # the PIC Coordinator holds every facility: nothing is elsewhere
    mine = facilities_for(user, Capability.VIEW)
    facts = [
        ElsewhereFact(a.facility.name, str(a.get_kind_display()), str(a.get_status_display()))
        for a in Application.objects.open()
        .filter(person=person)
        .exclude(facility__in=mine)
        .select_related("facility")
    ]
    if grants is None:
        grants = list(
            FacilityAccess.objects.live()
            .filter(person=person)
            .exclude(facility__in=mine)
            .select_related("facility")
        )
    facts += [
        ElsewhereFact(g.facility.name, str(g.get_kind_display()), str(g.get_status_display()))
        for g in grants
        if g.status in LIVE_ACCESS and g.facility_id not in mine_ids
    ]
    return facts


# What a coordinator does to an application in review; after an answer, any of these
# means the answer has been seen to.
STAFF_ACTION_KINDS = (
    EventKind.STEP,
    EventKind.NOTE,
    EventKind.INFO_REQUESTED,
    EventKind.CONFLICT_RESOLVED,
)


def with_statewide_flags(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate is_banned, is_duplicate and is_answered without a query per row.

    is_answered: back in review after the applicant answered an information request, and no
    coordinator has acted on it since (events are ordered by id: one answer writes several
    rows in one transaction, at the same moment).
    """
    banned = Ban.objects.active().filter(person=OuterRef("person"))
    flagged_as_first = PossibleDuplicate.objects.open().filter(person=OuterRef("person"))
    flagged_as_second = PossibleDuplicate.objects.open().filter(other=OuterRef("person"))
    last_answer = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), kind=EventKind.INFO_ANSWERED)
        .order_by("-pk")
        .values("pk")[:1]
    )
    acted_since = ApplicationEvent.objects.filter(
        application=OuterRef("pk"),
        kind__in=STAFF_ACTION_KINDS,
        pk__gt=OuterRef("last_answer_id"),
    )
    return applications.annotate(
        is_banned=Exists(banned),
        is_duplicate=ExpressionWrapper(
            Q(Exists(flagged_as_first)) | Q(Exists(flagged_as_second)),
            output_field=BooleanField(),
        ),
        last_answer_id=Subquery(last_answer),
    ).annotate(
        is_answered=ExpressionWrapper(
            Q(status=Status.IN_REVIEW, last_answer_id__isnull=False) & ~Q(Exists(acted_since)),
            output_field=BooleanField(),
        )
    )


def applications_of(person: Person, user: Any) -> QuerySet[Application]:
    """The person's applications at the user's facilities (drafts are private)."""
    return (
        Application.objects.visible_to(user, Capability.VIEW)
        .filter(person=person)
        .exclude(status=Status.DRAFT)
        .select_related("facility")
        .order_by("-submitted_at")
    )
