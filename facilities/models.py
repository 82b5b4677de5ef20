"""Facilities, coordinator memberships and the program settings row."""

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class FacilityKind(models.TextChoices):
    ADULT_INSTITUTION = "adult_institution", _("Correctional center")
    COMMUNITY_SUPERVISION_CENTER = "community_supervision_center", _("Community supervision center")
    TRANSITION_CENTER = "transition_center", _("Transition center")
    COMMUNITY_RELEASE_CENTER = "community_release_center", _("Community release center")
    PROBATION_PAROLE_OFFICE = "probation_parole_office", _("Probation & Parole office")
    CENTRAL_OFFICE = "central_office", _("Central office")


class Division(models.TextChoices):
    DAI = "DAI", _("Division of Adult Institutions")
    PP = "P&P", _("Division of Probation and Parole")
    CENTRAL = "central", _("Central office")


class FacilityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# Kinds where people live on site; a TB test is required there unless staff turn it off.
RESIDENTIAL_KINDS = frozenset(
    {
        FacilityKind.ADULT_INSTITUTION,
        FacilityKind.COMMUNITY_SUPERVISION_CENTER,
        FacilityKind.TRANSITION_CENTER,
        FacilityKind.COMMUNITY_RELEASE_CENTER,
    }
)


_NUMBER = re.compile(r"(\d+)")
T = TypeVar("T")


def natural_key(text: str) -> tuple[str | int, ...]:
    """Sort key reading runs of digits as numbers: "District 2" before "District 12", and
    "District 1S" before "District 2". Text parts compare case-insensitively."""
    # re.split with a group alternates text, number, text...: types line up by position.
    parts = _NUMBER.split(str(text))
    return tuple(int(part) if i % 2 else part.casefold() for i, part in enumerate(parts))


def naturally_sorted(facilities: Iterable[T], *, by: str = "name") -> list[T]:
    """Facilities (or rows with a `by` attribute) in natural order of their names; stable,
    so an earlier order (the directory's by kind) holds between equal names."""
    return sorted(facilities, key=lambda row: natural_key(getattr(row, by)))


class Region(models.Model):
    """A group of facilities the PIC Coordinator defines (the sources give none); reports
    group by it, and facilities without one as "no region"."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FacilityQuerySet(models.QuerySet["Facility"]):
    def open(self) -> "FacilityQuerySet":
        return self.filter(status=FacilityStatus.OPEN)

    def visible_to(self, user: "User | AnonymousUser", cap: str) -> "FacilityQuerySet":
        from facilities.access import facilities_for

        return self.filter(pk__in=facilities_for(user, cap).values("pk"))

    def central_office(self) -> "Facility | None":
        """The central office's row of the directory (DOCHQ): whom to call when a facility
        lists no phone or coordinator."""
        return self.open().filter(kind=FacilityKind.CENTRAL_OFFICE).order_by("code").first()

    def naturally_ordered(self) -> "FacilityQuerySet":
        """Ordered as natural_key reads the names, in the database (for a paginated list such
        as the admin's): the facility table is small, so its natural ranks fit one CASE."""
        ranked = naturally_sorted(Facility.objects.only("pk", "name"))
        if not ranked:
            # A CASE of no WHEN compiles to its bare default, and PostgreSQL reads
            # "ORDER BY 0" as a column position.
            return self.alias(natural_rank=models.Value(0)).order_by("name")
        rank = models.Case(
            *[models.When(pk=f.pk, then=models.Value(i)) for i, f in enumerate(ranked)],
            default=models.Value(len(ranked)),
            output_field=models.IntegerField(),
        )
        return self.alias(natural_rank=rank).order_by("natural_rank", "name")

    def search(self, text: str) -> "FacilityQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(city__icontains=text)
            | models.Q(code__iexact=text)
        )


class Facility(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=40, choices=FacilityKind.choices)
    division = models.CharField(max_length=16, choices=Division.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="facilities"
    )
    city = models.CharField(max_length=80, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    zip = models.CharField("ZIP code", max_length=10, blank=True)
    phone = PhoneNumberField(blank=True)
    custody_levels = models.CharField(max_length=200, blank=True)
    population_served = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=8, choices=FacilityStatus.choices, default=FacilityStatus.OPEN
    )
    status_note = models.CharField(max_length=255, blank=True)
    source_url = models.URLField(
        "source",
        max_length=500,
        blank=True,
        help_text="Provenance for staff; never shown publicly.",
    )
    program_visits_override = models.PositiveSmallIntegerField(
        "program visits before an application is required",
        null=True,
        blank=True,
        help_text="Leave empty to use the program-wide default.",
    )
    tb_test_required = models.BooleanField("TB test required", default=False)
    public_notes = models.TextField(
        "how to volunteer here", blank=True, help_text="Shown on the public facility page."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FacilityKind.values), name="facility_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(division__in=Division.values), name="facility_division_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FacilityStatus.values), name="facility_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_open(self) -> bool:
        return self.status == FacilityStatus.OPEN

    def program_visits_allowed(self, program_settings: "ProgramSettings") -> int:
        if self.program_visits_override is not None:
            return self.program_visits_override
        return program_settings.program_visits_default


class Role(models.TextChoices):
    IAC = "iac", _("Institutional Activities Coordinator")
    SITE_COORDINATOR = "site_coordinator", _("PIC site coordinator")
    CHAPLAIN = "chaplain", _("Chaplain")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def listed(self) -> "MembershipQuerySet":
        return self.filter(is_listed=True, user__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    is_listed = models.BooleanField("listed publicly", default=False)
    public_title = models.CharField(max_length=100, blank=True)
    public_phone = PhoneNumberField(blank=True)
    public_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["facility__name", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "facility"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.facility.code}"

    @property
    def public_title_or_role(self) -> str:
        return self.public_title or str(self.get_role_display())


class ProgramSettings(models.Model):
    """The one row of program-wide values the PIC Coordinator edits (DESIGN rule 10)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    screening_target_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days from submission to decision the program aims for."
    )
    info_request_days = models.PositiveSmallIntegerField(
        "days to answer an information request", default=30
    )
    access_validity_months = models.PositiveSmallIntegerField(default=24)
    tb_validity_months = models.PositiveSmallIntegerField("TB test validity (months)", default=12)
    reminder_window_days = models.PositiveSmallIntegerField(
        default=60, help_text="Expiring items are shown, and first reminded, this many days ahead."
    )
    final_reminder_days = models.PositiveSmallIntegerField(
        default=7, help_text="The second reminder goes out this many days before expiry."
    )
    inactivity_months = models.PositiveSmallIntegerField(
        default=12, help_text="Access with no approved service hours this long is flagged."
    )
    program_visits_default = models.PositiveSmallIntegerField(
        "program visits before an application is required", default=3
    )
    renewal_check_window_months = models.PositiveSmallIntegerField(
        "background check window for renewal (months)",
        default=12,
        help_text="Renewal needs a cleared background check no older than this.",
    )
    agreement_signing_days = models.PositiveSmallIntegerField(
        "days to sign a new agreement version",
        default=30,
        help_text="Active volunteers must sign a newly published agreement within this many days.",
    )
    retention_years = models.PositiveSmallIntegerField(
        "years a declined or withdrawn application is kept",
        default=3,
        help_text="After this, manage.py apply_retention anonymizes it (a dry run unless --apply).",
    )
    pic_coordinator_name = models.CharField(
        "PIC Coordinator's name",
        max_length=120,
        blank=True,
        help_text="Signs the National Volunteer Week certificates.",
    )
    volunteer_services_phone = PhoneNumberField(
        "Volunteer Services' general line",
        default="+15735266491",
        help_text="Shown on a facility's page when the facility lists no phone or coordinator.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "program settings"
        verbose_name_plural = "program settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="program_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(final_reminder_days__lt=models.F("reminder_window_days")),
                name="program_settings_reminders_ordered",
            ),
        ]

    def __str__(self) -> str:
        return "Program settings"

    @classmethod
    def load(cls) -> "ProgramSettings":
        """Return the settings row (created with the defaults by a migration)."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


# A full-time employee's year, for the "FTE equivalent" of volunteer hours.
FTE_HOURS_PER_YEAR = 2080


class HourValue(models.Model):
    """The value of a volunteer hour in one year (Independent Sector's national figure, say);
    a year without a row uses the latest earlier one."""

    year = models.PositiveSmallIntegerField(unique=True)
    rate = models.DecimalField("value of an hour (USD)", max_digits=6, decimal_places=2)
    source = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "value of a volunteer hour"
        verbose_name_plural = "values of a volunteer hour"
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="hour_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: ${self.rate}"


def hour_rates(years: "list[int]") -> "dict[int, tuple[HourValue | None, bool]]":
    """For each year, the rate that applies and whether it was borrowed from an earlier year
    (None when no year at or before it has a rate). One query."""
    values = list(HourValue.objects.order_by("year"))
    found: dict[int, tuple[HourValue | None, bool]] = {}
    for year in years:
        earlier = [value for value in values if value.year <= year]
        best = earlier[-1] if earlier else None
        found[year] = (best, best is not None and best.year != year)
    return found
