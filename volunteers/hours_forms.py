"""Forms of service hours: the volunteer's log, a coordinator's entry, the sign-in sheet
upload. The services check the rules (active that day, 16 hours a day); these check shape."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applications import age
from applications.forms import DateInput
from applications.models import ProgramArea
from volunteers.models import FacilityAccess, HourEntry


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class GrantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.facility.name)


class VolunteerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.badge_number})"


class HourFieldsForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=DateInput())
    program_area = forms.ChoiceField(label=_("Program area"), choices=ProgramArea.choices)
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("16"),
        decimal_places=2,
        step_size=Decimal("0.25"),
        help_text=_("In quarter hours: 0.25, 0.5, 0.75, 1, …; at most 16 a day."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_worked_on(self) -> Any:
        day = self.cleaned_data["worked_on"]
        if day > age.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class LogHoursForm(HourFieldsForm):
    """The volunteer's own entry: facility among their grants."""

    access = GrantChoiceField(label=_("Facility"), queryset=FacilityAccess.objects.none())
    field_order = ["worked_on", "access", "program_area", "hours", "note"]

    def __init__(self, *args: Any, grants: QuerySet[FacilityAccess], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["access"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = grants
        self.fields["worked_on"].initial = age.today()


class EditHoursForm(HourFieldsForm):
    """Changing an entry not yet approved (its facility stays)."""

    @classmethod
    def for_entry(cls, entry: HourEntry, data: Any = None) -> "EditHoursForm":
        initial = {
            "worked_on": entry.worked_on,
            "program_area": entry.program_area,
            "hours": entry.hours,
            "note": entry.note,
        }
        return cls(data, initial=initial)


class StaffHoursForm(HourFieldsForm):
    """A coordinator enters hours for a volunteer of the facility (approved at once)."""

    access = VolunteerChoiceField(label=_("Volunteer"), queryset=FacilityAccess.objects.none())
    starts_at = forms.TimeField(label=_("Start time"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("End time"), required=False, widget=TimeInput())
    field_order = ["access", "worked_on", "starts_at", "ends_at", "program_area", "hours", "note"]

    def __init__(self, *args: Any, grants: QuerySet[FacilityAccess], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["access"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = grants
        self.fields["worked_on"].initial = age.today()


class SheetUploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Sign-in sheet (CSV)"),
        help_text=_("Save the sheet as CSV with the template's headers; at most 1,000 rows."),
    )


class SheetConfirmForm(forms.Form):
    """The previewed sheet, posted back to import (checked again before anything is saved)."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=256 * 1024)
