from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from audit.services import record
from facilities.models import (
    Facility,
    HourValue,
    Membership,
    ProgramSettings,
    Region,
    natural_key,
)


class FacilityListFilter(admin.RelatedFieldListFilter):
    """Filter by facility, the facilities listed in natural order ("District 2" before 12)."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[Any]:
        # Not the facility admin's ordering: that names the rank only its own list adds.
        choices = field.get_choices(include_blank=False, ordering=())
        return sorted(choices, key=lambda choice: natural_key(str(choice[1])))


class RegionChoiceForm(forms.Form):
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("No region"),
    )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name", "facility_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(facility_count=models.Count("facilities"))

    @admin.display(description=_("facilities"), ordering="facility_count")
    def facility_count(self, obj: Region) -> int:
        return int(getattr(obj, "facility_count", 0))


@admin.register(HourValue)
class HourValueAdmin(admin.ModelAdmin[HourValue]):
    list_display = ["year", "rate", "source"]
    ordering = ["-year"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Past reports were computed with these rates; a wrong one is corrected, not removed.
        return False


@admin.action(description=_("Assign the selected facilities to a region"))
def assign_region(
    modeladmin: "FacilityAdmin", request: HttpRequest, queryset: QuerySet[Facility]
) -> HttpResponse | None:
    """Ask for the region, then set it on every selected facility at once (audited)."""
    form = RegionChoiceForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        region = form.cleaned_data["region"]
        codes = sorted(queryset.values_list("code", flat=True))
        count = queryset.update(region=region)
        record(
            by=request.user,
            action="facilities.region_assigned",
            target=region,
            details={"region": str(region or ""), "facilities": codes},
        )
        modeladmin.message_user(
            request, _("%(count)d facilities assigned.") % {"count": count}, messages.SUCCESS
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Assign facilities to a region"),
        "form": form,
        "facilities": queryset.order_by("name"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return render(request, "admin/facilities/assign_region.html", context)


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
    search_fields = ["code", "name", "city", "region__name"]
    list_select_related = ["region"]
    ordering = ["name"]
    actions = [assign_region]
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
        ("Program", {"fields": ("program_visits_default",)}),
        ("Retention", {"fields": ("retention_years",)}),
        ("Public contact", {"fields": ("volunteer_services_phone",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ProgramSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
