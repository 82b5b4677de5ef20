"""The gate kiosk's forms: the badge entered at the desk, enrolling a tablet, fixing a visit."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import ProgramArea


class BadgeForm(forms.Form):
    badge = forms.CharField(
        label=_("Badge number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "class": "form-control kiosk-input"}
        ),
    )
    # Asked at sign-out only when the volunteer serves in several program areas.
    program_area = forms.ChoiceField(
        choices=[("", ""), *ProgramArea.choices], required=False, widget=forms.HiddenInput
    )


class EnrolKioskForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this device"),
        max_length=80,
        initial=_("Front desk tablet"),
        help_text=_("So that you can tell your kiosks apart on this page."),
    )


class FixVisitForm(forms.Form):
    left_at = forms.TimeField(
        label=_("Time they left"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    program_area = forms.ChoiceField(label=_("Program area"), choices=ProgramArea.choices)
    no_hours = forms.BooleanField(
        label=_("Close without hours (for example, signed in by mistake)"), required=False
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if areas:
            field = self.fields["program_area"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = areas

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not data.get("no_hours")
            and data.get("left_at") is None
            and not self.has_error("left_at")
        ):
            self.add_error("left_at", _("Enter the time they left, or close without hours."))
        return data
