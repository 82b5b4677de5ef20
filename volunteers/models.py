"""Volunteers: a person's standing at a facility once approved: facility access and its
events, statewide bans, trainings and sessions, TB tests, badges, reminders, the sweep."""

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from applications.models import (
    AccessLevel,
    Application,
    Kind,
    Person,
    ProgramArea,
    private_storage,
)
from facilities.models import Facility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class AccessStatus(models.TextChoices):
    PENDING_ACTIVATION = "pending_activation", _("Pending activation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    ENDED = "ended", _("Ended")
    REVOKED = "revoked", _("Revoked")


LIVE_ACCESS = (
    AccessStatus.PENDING_ACTIVATION,
    AccessStatus.ACTIVE,
    AccessStatus.SUSPENDED,
    AccessStatus.EXPIRED,
)
# DESIGN: the facility access lifecycle and its only moves.
ACCESS_TRANSITIONS: dict[str, set[str]] = {
    AccessStatus.PENDING_ACTIVATION: {
        AccessStatus.ACTIVE,
        AccessStatus.ENDED,
        AccessStatus.REVOKED,
    },
    AccessStatus.ACTIVE: {
        AccessStatus.SUSPENDED,
        AccessStatus.EXPIRED,
        AccessStatus.ENDED,
        AccessStatus.REVOKED,
    },
    AccessStatus.SUSPENDED: {AccessStatus.ACTIVE, AccessStatus.ENDED, AccessStatus.REVOKED},
    AccessStatus.EXPIRED: {AccessStatus.ACTIVE, AccessStatus.ENDED},
}


class FacilityAccessQuerySet(models.QuerySet["FacilityAccess"]):
    def live(self) -> "FacilityAccessQuerySet":
        return self.filter(status__in=LIVE_ACCESS)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "FacilityAccessQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))

    def ready_for_contact(self, on: date) -> "FacilityAccessQuerySet":
        """Active grants approved at contact, activated as no contact, now eligible."""
        return self.filter(
            status=AccessStatus.ACTIVE,
            level_approved=AccessLevel.CONTACT,
            level_effective=AccessLevel.NO_CONTACT,
            contact_eligible_on__lte=on,
        )


class FacilityAccess(models.Model):
    """The grant an approved application produces, with its own lifecycle."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="grants")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="grants")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    level_approved = models.CharField(max_length=12, choices=AccessLevel.choices)
    level_effective = models.CharField(max_length=12, choices=AccessLevel.choices, blank=True)
    status = models.CharField(
        max_length=20, choices=AccessStatus.choices, default=AccessStatus.PENDING_ACTIVATION
    )
    badge_number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    # Approved at contact but activated before the 19th birthday: the day it may be upgraded.
    contact_eligible_on = models.DateField(null=True, blank=True)
    # The day the grant entered its current status (the clearance list's "last 12 months").
    status_since = models.DateField(null=True, blank=True)
    # A suspension's review date, put in the coordinators' digest on that day.
    review_on = models.DateField(null=True, blank=True)
    # Recorded when a grant ends or is revoked: None until asked.
    badge_returned = models.BooleanField(null=True, blank=True)
    badge_returned_on = models.DateField(null=True, blank=True)
    exit_note = models.TextField(blank=True)
    # The person's records as the compliance report reads them, kept by
    # volunteers.compliance_dates: the day the first of the grant's renewed
    # trainings expires (none: no such course applies), whether one of them was never done,
    # and the latest TB test's valid-until when that test is clear (none: no test, or the
    # latest is not clear). Dates, not states: the report compares them with its own day.
    trainings_expire_on = models.DateField(null=True, blank=True, editable=False)
    training_missing = models.BooleanField(default=False, editable=False)
    tb_clear_until = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FacilityAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "facility access"
        verbose_name_plural = "facility access grants"
        indexes = [
            models.Index(fields=["facility", "status", "expires_on"], name="access_report_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "facility"],
                condition=models.Q(status__in=LIVE_ACCESS),
                name="one_live_grant_per_person_facility",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AccessStatus.values), name="access_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level_approved__in=AccessLevel.values),
                name="access_level_approved_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(level_effective="")
                | models.Q(level_effective__in=AccessLevel.values),
                name="access_level_effective_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="access_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.facility.code}: {self.get_status_display()}"

    def can_transition_to(self, status: str) -> bool:
        return status in ACCESS_TRANSITIONS.get(self.status, set())

    @property
    def level_in_effect(self) -> str:
        """The level the person may serve at now; before activation, the level approved."""
        return self.level_effective or self.level_approved

    @property
    def level_differs(self) -> bool:
        """Whether the level in effect is below the level approved (shown beside it)."""
        return bool(self.level_effective) and self.level_effective != self.level_approved

    def get_level_in_effect_display(self) -> str:
        return str(AccessLevel(self.level_in_effect).label)


class CheckType(models.TextChoices):
    MULES = "mules", "MULES"
    NCIC = "ncic", "NCIC"
    MACHS = "machs", "MACHS"
    FINGERPRINT = "fingerprint", _("Fingerprint")


class CheckOutcome(models.TextChoices):
    CLEARED = "cleared", _("Cleared")
    NOT_CLEARED = "not_cleared", _("Not cleared")
    NEEDS_REVIEW = "needs_review", _("Needs review")


class AccessCheckQuerySet(models.QuerySet["AccessCheck"]):
    def current(self) -> "AccessCheckQuerySet":
        """Checks that count: neither superseded by a re-run nor voided."""
        return self.filter(superseded_by__isnull=True, voided_at__isnull=True)


class AccessCheck(models.Model):
    """A background check on a grant: a re-check recorded on the access page, or a copy of
    a cleared check of its application made at approval (so renewal need not read
    screening). Never edited: superseded by a re-run of the same type, or voided."""

    access = models.ForeignKey(FacilityAccess, on_delete=models.CASCADE, related_name="checks")
    check_type = models.CharField(max_length=12, choices=CheckType.choices)
    run_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=CheckOutcome.choices)
    reference = models.CharField(max_length=60, blank=True)
    performed_by = models.CharField(max_length=120, blank=True)
    # Set on copies of the application's checks: that check's id (screening's BackgroundCheck).
    from_application_check = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    supersede_reason = models.TextField(blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = AccessCheckQuerySet.as_manager()

    class Meta:
        ordering = ["run_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_type__in=CheckType.values),
                name="access_check_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=CheckOutcome.values),
                name="access_check_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_check_type_display()} {self.run_on}: {self.get_outcome_display()}"

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None and self.voided_at is None


class AccessEventKind(models.TextChoices):
    """What happened to a grant: each lifecycle move has its own kind, so reports count them."""

    CREATED = "created", _("Approved (pending activation)")
    ACTIVATED = "activated", _("Activated")
    SUSPENDED = "suspended", _("Suspended")
    RESTORED = "restored", _("Restored")
    RENEWED = "renewed", _("Renewed")
    LEVEL_CHANGED = "level_changed", _("Level changed")
    ENDED = "ended", _("Ended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    RECHECK_RECORDED = "recheck_recorded", _("Background re-check recorded")
    NOTE = "note", _("Note")


class AccessEvent(models.Model):
    access = models.ForeignKey(FacilityAccess, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=AccessEventKind.choices, blank=True)
    # What the move relied on or carried (a renewal's checked items, a review date, ...).
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    from_status = models.CharField(max_length=20, choices=AccessStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AccessStatus.choices)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["kind", "at"], name="access_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.access_id}: {self.from_status} → {self.to_status}"


class BanQuerySet(models.QuerySet["Ban"]):
    def active(self) -> "BanQuerySet":
        return self.filter(lifted_at__isnull=True)


class Ban(models.Model):
    """A statewide ban: no approval or activation anywhere while it stands (rule 2)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bans")
    reason = models.TextField()
    banned_on = models.DateField()
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_standing_ban_per_person",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="ban_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Ban of {self.person} from {date_format(self.banned_on)}"


# Trainings, TB tests and activation ---------------------------------------------------


class Course(models.Model):
    """A training in the catalogue the PIC Coordinator keeps (DESIGN rules 3 and 8)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: a completion never expires."
    )
    hours = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    required_for_activation = models.BooleanField(default=False)
    kinds = models.JSONField(
        default=list, blank=True, help_text="Application kinds it applies to; empty: all."
    )
    levels = models.JSONField(
        default=list, blank=True, help_text="Access levels it applies to; empty: all."
    )
    per_facility = models.BooleanField(
        default=False, help_text="A completion counts only at the facility where it was done."
    )
    annual_hours_required = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Hours of completions needed in any rolling 12 months (annual in-service).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, kind: str, level: str) -> bool:
        return (not self.kinds or kind in self.kinds) and (not self.levels or level in self.levels)


def local_time_label(value: datetime) -> str:
    """A moment as a person in Missouri reads it ("December 8, 2026, 9:00 AM"): stored times
    are UTC, and strftime on them would print the UTC hour (and, near midnight, the UTC day)."""
    local = timezone.localtime(value)
    return f"{formats.date_format(local)}, {formats.date_format(local, 'g:i A')}"


class TrainingSessionQuerySet(models.QuerySet["TrainingSession"]):
    def upcoming(self, now: datetime) -> "TrainingSessionQuerySet":
        return self.filter(starts_at__gte=now)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "TrainingSessionQuerySet":
        from facilities.access import facilities_for, is_pic_coordinator

        if is_pic_coordinator(user):
            return self.all()
        return self.filter(facility__in=facilities_for(user, cap))


class TrainingSession(models.Model):
    """A facility's session (its coordinators run it) or a statewide one (no facility)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text="Empty for a statewide session.",
    )
    place = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="session_has_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {local_time_label(self.starts_at)} · {self.place}"

    @property
    def is_statewide(self) -> bool:
        return self.facility_id is None


class Enrollment(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.session}"


class TrainingCompletion(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "course", "completed_on"], name="completion_person_course"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="completion_has_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.course} on {date_format(self.completed_on)}"


def scans_given_at(facility: Facility, user: object) -> models.Q:
    """The TB scans and paper signature scans `user` may download at `facility`: those given
    for it (a person's result counts statewide; the paper behind it is that facility's).
    One recorded before the facility was kept is the PIC Coordinator's alone."""
    from facilities.access import is_pic_coordinator

    mine = models.Q(facility=facility)
    return mine | models.Q(facility__isnull=True) if is_pic_coordinator(user) else mine


def _tb_scan_path(instance: "TBTest", filename: str) -> str:
    return f"tb/{instance.person.public_id}/{uuid.uuid4().hex}"


class TBResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE_CLEARED = "positive_cleared", _("Positive, cleared by chest X-ray")
    POSITIVE = "positive", _("Positive, not cleared")


class TBTest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tb_tests")
    tested_on = models.DateField()
    result = models.CharField(max_length=20, choices=TBResult.choices)
    valid_until = models.DateField()
    scan = models.FileField(
        storage=private_storage, upload_to=_tb_scan_path, blank=True, max_length=200
    )
    # Where the test was recorded: its result counts everywhere (the activation gate), but
    # its scan is that facility's coordinators' alone (null: recorded before this was kept,
    # and then only the PIC Coordinator may download the scan).
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tested_on", "-pk"]
        indexes = [
            # A person's latest test (the ordering above, pk breaking ties) is the first
            # entry read backward: no sort per person in the compliance report.
            models.Index(fields=["person", "tested_on", "id"], name="tb_test_person_latest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(result__in=TBResult.values), name="tb_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"TB test {date_format(self.tested_on)}: {self.get_result_display()}"

    @property
    def is_clear(self) -> bool:
        return self.result in (TBResult.NEGATIVE, TBResult.POSITIVE_CLEARED)


class BadgeCounter(models.Model):
    """The last badge number given at a facility; its row is locked to give the next."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.last}"


class Reminder(models.Model):
    """A reminder sent for one item at one threshold: each goes out once (rule 8)."""

    item_type = models.CharField(max_length=30)
    item_id = models.PositiveBigIntegerField()
    days_before = models.SmallIntegerField()
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item_type", "item_id", "days_before", "due_on"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_type} {self.item_id} at {self.days_before} days"


class SweepRun(models.Model):
    """One row per day the daily sweep completed: a second run that day does nothing."""

    day = models.DateField(unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)
    summary = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"sweep {self.day}"


# Service hours ---------------------------------------------------------------------------


class HourStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HourSource(models.TextChoices):
    PORTAL = "portal", _("Logged by the volunteer")
    STAFF = "staff", _("Entered by staff")
    KIOSK = "kiosk", _("Gate kiosk")
    IMPORT = "import", _("Sign-in sheet")


class HourEntryQuerySet(models.QuerySet["HourEntry"]):
    def approved(self) -> "HourEntryQuerySet":
        return self.filter(status=HourStatus.APPROVED)

    def pending(self) -> "HourEntryQuerySet":
        return self.filter(status=HourStatus.PENDING)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "HourEntryQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))


class HourEntry(models.Model):
    """Service hours one person gave at one facility on one day (DESIGN: hours, rule 9)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hour_entries")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="hour_entries")
    access = models.ForeignKey(
        FacilityAccess, on_delete=models.PROTECT, related_name="hour_entries"
    )
    worked_on = models.DateField()
    program_area = models.CharField(max_length=24, choices=ProgramArea.choices)
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    # Kiosk visits and sign-in sheets carry times; hours logged by hand need not.
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=HourStatus.choices, default=HourStatus.PENDING)
    source = models.CharField(max_length=10, choices=HourSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HourEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-worked_on", "-pk"]
        verbose_name_plural = "hour entries"
        indexes = [
            models.Index(fields=["facility", "status", "worked_on"], name="hours_facility_status"),
            models.Index(fields=["person", "worked_on"], name="hours_person_day"),
            models.Index(fields=["access", "status", "worked_on"], name="hours_access_status"),
            # The report's days at either end of a period, statewide (approved only).
            models.Index(
                fields=["worked_on"],
                include=["facility", "access", "program_area", "hours"],
                condition=models.Q(status="approved"),
                name="hours_approved_day",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=16), name="hours_in_range"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HourStatus.values), name="hours_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=HourSource.values), name="hours_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(program_area__in=ProgramArea.values),
                name="hours_program_area_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=HourStatus.REJECTED) | ~models.Q(reject_reason=""),
                name="hours_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.facility_id} on {self.worked_on}: {self.hours} h"


# Roll-ups of approved hours (kept by volunteers.services.hours, the one writer) -----------

NEVER = date(1, 1, 1)  # `since` of a grant's first month with approved hours


class HourMonth(models.Model):
    """Approved hours of one grant in one calendar month and program area: the hours report
    reads these instead of a year of entries. The first and last day with hours let a
    period that starts or ends inside the month tell whether the grant served in it."""

    access = models.ForeignKey(FacilityAccess, on_delete=models.CASCADE, related_name="+")
    # The grant's, copied so the report need not join it (neither ever changes).
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    program_area = models.CharField(max_length=24, choices=ProgramArea.choices)
    hours = models.DecimalField(max_digits=9, decimal_places=2)
    entries = models.PositiveIntegerField()
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["access", "month", "program_area"], name="hour_month_cell"
            ),
        ]
        indexes = [
            models.Index(fields=["month", "last_day"], name="hour_month_last_day"),
            models.Index(fields=["month", "first_day"], name="hour_month_first_day"),
            models.Index(fields=["access", "program_area", "month"], name="hour_month_area"),
            models.Index(fields=["person", "month"], name="hour_month_person"),
            models.Index(fields=["facility", "month"], name="hour_month_facility"),
        ]

    def __str__(self) -> str:
        return f"{self.access_id} {self.month:%Y-%m} {self.program_area}: {self.hours} h"


class HourMonthTotal(models.Model):
    """Approved hours by facility, kind, month and program area (sums need no person)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    month = models.DateField()
    program_area = models.CharField(max_length=24, choices=ProgramArea.choices)
    hours = models.DecimalField(max_digits=12, decimal_places=2)
    entries = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "facility", "kind", "program_area"], name="hour_total_cell"
            ),
        ]
        indexes = [
            # Every column the hours report sums, month first: its sums over a run of
            # months read the index alone (an index-only scan), not the table.
            models.Index(
                fields=["month", "facility", "kind", "program_area", "hours", "entries"],
                name="hour_total_month_sums",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.kind} {self.month:%Y-%m} {self.program_area}"


class GrantMonthTally(models.Model):
    """How many grants at a facility have approved hours in `month` whose previous month
    with approved hours was `since` (NEVER: none). The grants serving in months a..b are
    then the tallies of months a..b with `since` before a: distinct grants over any run of
    months by adding up a few hundred rows, never reading one row per person."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    month = models.DateField()
    since = models.DateField()
    grants = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "facility", "kind", "since"], name="grant_month_tally"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.kind} {self.month:%Y-%m} since {self.since}"


class GrantAreaTally(models.Model):
    """GrantMonthTally for each program area, statewide: grants with approved hours in the
    area in `month` whose previous such month was `since`."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    program_area = models.CharField(max_length=24, choices=ProgramArea.choices)
    month = models.DateField()
    since = models.DateField()
    grants = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "program_area", "kind", "since"], name="grant_area_tally"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_area} {self.kind} {self.month:%Y-%m} since {self.since}"


# Agreements and the PREA acknowledgment ---------------------------------------------------


class AgreementKind(models.TextChoices):
    SERVICE = "service_agreement", _("Volunteer service agreement")
    CONDUCT = "code_of_conduct", _("Code of conduct and contraband rules")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality agreement")
    PREA = "prea", _("PREA zero-tolerance acknowledgment")


class AgreementVersionQuerySet(models.QuerySet["AgreementVersion"]):
    def in_effect(self, on: date) -> "AgreementVersionQuerySet":
        """The current version of each kind on a date: the latest already in effect."""
        latest = (
            self.model.objects.filter(kind=models.OuterRef("kind"), effective_on__lte=on)
            .order_by("-effective_on", "-version")
            .values("pk")[:1]
        )
        return self.filter(pk=models.Subquery(latest))


class AgreementVersion(models.Model):
    """One published text of one agreement; required of every kind of applicant (rule 3)."""

    kind = models.CharField(max_length=24, choices=AgreementKind.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    text_en = models.TextField()
    text_es = models.TextField(blank=True)
    effective_on = models.DateField()
    # sha256 of the English and Spanish texts as published: a signature stores it too.
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="agreement_version_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=AgreementKind.values), name="agreement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


def _signature_scan_path(instance: "AgreementSignature", filename: str) -> str:
    return f"agreements/{instance.person.public_id}/{uuid.uuid4().hex}"


class AgreementSignature(models.Model):
    """A person's signature of one version: typed name, when, from where, and what text."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_name = models.CharField(max_length=200)
    signed_on = models.DateField()
    signed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    version_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=5, default="en")
    # Paper: staff record the signature with a scan, on behalf of the person.
    on_behalf = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scan = models.FileField(
        storage=private_storage, upload_to=_signature_scan_path, blank=True, max_length=200
    )
    # The facility whose staff recorded a paper signature: its scan is theirs to download.
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} signed {self.version}"


class UnsignedAgreement(models.Model):
    """A version, in effect or coming, that a person holding a grant has not signed; kept
    by volunteers.compliance_dates beside the grants' dates. The compliance report tests
    its people against these few rows instead of grouping every signature by person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="unsigned_agreement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} has not signed {self.version_id}"


class InactivityFlag(models.Model):
    """Active access with no approved hours for the program setting's months (rule 9)."""

    access = models.ForeignKey(
        FacilityAccess, on_delete=models.CASCADE, related_name="inactivity_flags"
    )
    flagged_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["access"],
                condition=models.Q(cleared_on__isnull=True),
                name="one_open_inactivity_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.access_id} inactive since {self.flagged_on}"


# The gate kiosk ---------------------------------------------------------------------------


class KioskDeviceQuerySet(models.QuerySet["KioskDevice"]):
    def enrolled(self) -> "KioskDeviceQuerySet":
        return self.filter(revoked_at__isnull=True)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "KioskDeviceQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))


class KioskDevice(models.Model):
    """A front-desk tablet enrolled for one facility. Its token lives only in the tablet's
    cookie (a hash here, so a copy of the database opens no kiosk); it grants no staff
    capability, only the kiosk pages of its facility."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="kiosk_devices")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = KioskDeviceQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} at {self.facility_id}"


class KioskVisitStatus(models.TextChoices):
    OPEN = "open", _("Signed in")
    SIGNED_OUT = "signed_out", _("Signed out")
    NO_SIGN_OUT = "no_sign_out", _("No sign-out")
    NEEDS_REVIEW = "needs_review", _("Hours need a coordinator")
    FIXED = "fixed", _("Closed by a coordinator")


# What a coordinator has to fix on the kiosk page.
KIOSK_VISITS_TO_FIX = (KioskVisitStatus.NO_SIGN_OUT, KioskVisitStatus.NEEDS_REVIEW)


class KioskVisitQuerySet(models.QuerySet["KioskVisit"]):
    def open(self) -> "KioskVisitQuerySet":
        return self.filter(status=KioskVisitStatus.OPEN)

    def to_fix(self) -> "KioskVisitQuerySet":
        return self.filter(status__in=KIOSK_VISITS_TO_FIX)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "KioskVisitQuerySet":
        from facilities.access import facilities_for

        return self.filter(facility__in=facilities_for(user, cap))


class KioskVisit(models.Model):
    """One visit signed in (and, normally, out) at a facility's kiosk; a signed-out visit
    becomes a pending hour entry."""

    device = models.ForeignKey(KioskDevice, on_delete=models.PROTECT, related_name="visits")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    access = models.ForeignKey(
        FacilityAccess, on_delete=models.PROTECT, related_name="kiosk_visits"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="kiosk_visits")
    signed_in_at = models.DateTimeField()
    signed_out_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=KioskVisitStatus.choices, default=KioskVisitStatus.OPEN
    )
    hour_entry = models.OneToOneField(
        HourEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="kiosk_visit"
    )
    # Why the kiosk could not record the hours, or how a coordinator closed the visit.
    note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = KioskVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_in_at", "-pk"]
        indexes = [
            models.Index(fields=["facility", "status", "signed_in_at"], name="kiosk_visit_status"),
        ]
        constraints = [
            # A badge scanned twice at once must not open two visits.
            models.UniqueConstraint(
                fields=["access"],
                condition=models.Q(status="open"),
                name="one_open_kiosk_visit",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=KioskVisitStatus.values),
                name="kiosk_visit_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.facility_id} from {local_time_label(self.signed_in_at)}"


class KioskOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGNED_OUT = "signed_out", _("Signed out")
    REFUSED = "refused", _("Refused")


class KioskRefusal(models.TextChoices):
    """Why a badge was refused: shown only on the staff side, never at the kiosk."""

    UNKNOWN = "unknown", _("Unknown badge")
    OTHER_FACILITY = "other_facility", _("Badge of another facility")
    PENDING_ACTIVATION = "pending_activation", _("Not yet activated")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    ENDED = "ended", _("Ended")
    REVOKED = "revoked", _("Revoked")
    BANNED = "banned", _("Banned statewide")
    RATE_LIMITED = "rate_limited", _("Too many attempts from this device")


class KioskAttempt(models.Model):
    """Every badge entered at a kiosk, with what happened: the staff-side kiosk log."""

    device = models.ForeignKey(KioskDevice, on_delete=models.CASCADE, related_name="attempts")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    badge_entered = models.CharField(max_length=40, blank=True)
    access = models.ForeignKey(
        FacilityAccess, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=KioskOutcome.choices)
    reason = models.CharField(max_length=20, choices=KioskRefusal.choices, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["facility", "at"], name="kiosk_attempt_facility")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=KioskOutcome.values), name="kiosk_outcome_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reason="") | models.Q(reason__in=KioskRefusal.values),
                name="kiosk_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge_entered} at {self.facility_id}: {self.outcome} {self.reason}".strip()
