"""Reference data the PIC Coordinator keeps in the admin: the screening steps each kind of
application requires (the training catalogue is in volunteers.admin)."""

from django.contrib import admin

from screening.models import StepRequirement


@admin.register(StepRequirement)
class StepRequirementAdmin(admin.ModelAdmin[StepRequirement]):
    list_display = ["application_kind", "step_kind", "order"]
    list_filter = ["application_kind", "step_kind"]
    ordering = ["application_kind", "order"]
