"""Reference data the PIC Coordinator keeps in the admin: the training catalogue. Workflow
rows (grants, sessions) are read-only here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from volunteers import compliance_dates
from volunteers.models import (
    AgreementSignature,
    AgreementVersion,
    Course,
    FacilityAccess,
    TrainingSession,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin[Course]):
    list_display = [
        "name",
        "code",
        "validity_months",
        "hours",
        "required_for_activation",
        "per_facility",
        "annual_hours_required",
        "is_active",
    ]
    list_filter = ["required_for_activation", "per_facility", "is_active"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Completions point at courses: retire a course (not active) instead.
        return False

    def save_model(self, request: HttpRequest, obj: Course, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Whom a course applies to and how long it lasts decide every grant's training
        # dates (a few seconds at 20,000 grants; courses change rarely).
        compliance_dates.refresh()


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FacilityAccess)
class FacilityAccessAdmin(ReadOnlyAdmin):
    """Grants change only through the lifecycle services (staff pages), never here."""

    list_display = [
        "person",
        "facility",
        "kind",
        "status",
        "level_effective",
        "badge_number",
        "expires_on",
    ]
    list_filter = ["status", "kind", "level_effective"]
    search_fields = ["badge_number", "person__last_name", "person__email", "facility__code"]
    list_select_related = ["person", "facility"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["course", "facility", "place", "starts_at", "capacity"]
    list_filter = ["course"]
    list_select_related = ["course", "facility"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    """Versions are published on the staff page (Agreements), which numbers and hashes
    them and asks the active volunteers to sign: never edited here."""

    list_display = ["kind", "version", "title", "effective_on", "published_at"]
    list_filter = ["kind"]


@admin.register(AgreementSignature)
class AgreementSignatureAdmin(ReadOnlyAdmin):
    list_display = ["person", "version", "signed_on", "on_behalf"]
    list_select_related = ["person", "version"]
