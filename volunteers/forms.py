"""Forms of the access page, the training sessions and the volunteer's portal."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import age
from applications.forms import DateInput, checked_upload
from applications.models import Person
from volunteers.models import Course, TBResult, TrainingSession


class CompletionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Training"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=Decimal("0.25"),
        max_value=Decimal("40"),
        decimal_places=2,
        help_text=_("Leave empty for the course's usual hours."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Course.objects.filter(is_active=True)
        self.fields["completed_on"].initial = age.today()

    def clean_completed_on(self) -> Any:
        day = self.cleaned_data["completed_on"]
        if day > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return day


class TBTestForm(forms.Form):
    tested_on = forms.DateField(label=_("Test date"), widget=DateInput())
    result = forms.ChoiceField(label=_("Result"), choices=TBResult.choices)
    scan = forms.FileField(
        label=_("Scan of the result (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )

    def clean_tested_on(self) -> Any:
        day = self.cleaned_data["tested_on"]
        if day > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return day

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        return checked_upload(scan) if scan else None


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Training"), queryset=Course.objects.none())
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Course.objects.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        if starts and starts < timezone.now():
            self.add_error("starts_at", _("This time has passed."))
        return data


class EnrolForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class SessionChoiceForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=TrainingSession.objects.none())

    def __init__(self, *args: Any, sessions: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sessions


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enrollments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(e.pk), str(e.person)) for e in enrollments]
