from django.contrib import admin

from partners.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ["name", "kind", "city", "status", "verified_at"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "city", "contact_name"]
    # Verification and merging go through the audited services (the staff pages).
    readonly_fields = ["status", "merged_into", "verified_by", "verified_at"]
