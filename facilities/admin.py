from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from facilities.models import Facility, Membership, ProgramSettings, natural_key


class FacilityListFilter(admin.RelatedFieldListFilter):
    """Filter by facility, the facilities listed in natural order ("District 2" before 12)."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[Any]:
        # Not the facility admin's ordering: that names the rank only its own list adds.
        choices = field.get_choices(include_blank=False, ordering=())
        return sorted(choices, key=lambda choice: natural_key(str(choice[1])))


class MembershipInline(admin.TabularInline[Membership, Facility]):
    model = Membership
    extra = 0
    can_delete = False
    fields = ("user", "role", "is_listed", "public_title", "public_phone", "public_email")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin[Facility]):
    list_display = ["code", "name", "kind", "division", "region", "city", "status"]
    list_filter = ["kind", "division", "status", "region", "tb_test_required"]
    search_fields = ["code", "name", "city", "region"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "division", "region", "status", "status_note")}),
        ("Contact", {"fields": ("street_address", "city", "zip", "phone")}),
        ("About", {"fields": ("custody_levels", "population_served", "public_notes")}),
        ("Program", {"fields": ("program_visits_override", "tb_test_required")}),
        ("Provenance (staff only)", {"fields": ("source_url",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Facility]:
        return Facility.objects.naturally_ordered()

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["natural_rank", "name"]  # the rank naturally_ordered() adds

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Facilities are closed, never deleted: history and old applications must resolve.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Read-only: memberships change only through the audited assignment service."""

    list_display = ["user", "facility", "role", "is_listed", "public_title", "created_at"]
    list_filter = ["role", "is_listed", "facility__kind", ("facility", FacilityListFilter)]
    search_fields = ["user__email", "facility__code", "facility__name", "public_title"]
    list_select_related = ["user", "facility"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(admin.ModelAdmin[ProgramSettings]):
    list_display = ["__str__", "screening_target_days", "access_validity_months", "updated_at"]
    fieldsets = (
        ("Screening", {"fields": ("screening_target_days", "info_request_days")}),
        (
            "Validity and reminders",
            {
                "fields": (
                    "access_validity_months",
                    "tb_validity_months",
                    "reminder_window_days",
                    "final_reminder_days",
                    "inactivity_months",
                )
            },
        ),
        ("Program", {"fields": ("program_visits_default", "volunteer_hour_value")}),
        ("Public contact", {"fields": ("volunteer_services_phone",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ProgramSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
