"""The visitor's request form and the coordinator's scheduling, recording and decline forms."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import User
from applications.forms import DateInput
from applications.models import Kind, ProgramArea
from facilities.models import Facility

MAX_PREFERRED_DATES = 3


def error_links(form: forms.Form) -> list[tuple[str, str]]:
    """(anchor, message) for the page's error summary."""
    links = [("", str(e)) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            label = form.fields[name].label
            links += [(form[name].auto_id or "", f"{label}: {e}") for e in errors]
    return links


class LinkedErrorsMixin(forms.Form):
    @property
    def error_links(self) -> list[tuple[str, str]]:
        return error_links(self)


# How far ahead a visitor may propose: the coordinator plans a season, not years.
FURTHEST_AHEAD_DAYS = 366


class VisitRequestForm(LinkedErrorsMixin):
    first_name = forms.CharField(label=_("First name"), max_length=60)
    last_name = forms.CharField(label=_("Last name"), max_length=60)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = PhoneNumberField(label=_("Phone"), region="US")
    programs = forms.MultipleChoiceField(
        label=_("Programs of interest"),
        choices=ProgramArea.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_date_1 = forms.DateField(label=_("Preferred date"), widget=DateInput())
    preferred_date_2 = forms.DateField(
        label=_("Another date (optional)"), required=False, widget=DateInput()
    )
    preferred_date_3 = forms.DateField(
        label=_("A third date (optional)"), required=False, widget=DateInput()
    )
    message = forms.CharField(
        label=_("Anything the coordinator should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The honeypot: hidden from people by a CSS class (never an inline style, the CSP
    # forbids them), left empty by them; bots fill every box.
    website = forms.CharField(
        label=_("Leave this box empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        chosen: list[date] = []
        for index in range(1, MAX_PREFERRED_DATES + 1):
            name = f"preferred_date_{index}"
            value = data.get(name)
            if value is None:
                continue
            if value < today:
                self.add_error(name, _("Choose a date that is not in the past."))
            elif value > today + timedelta(days=FURTHEST_AHEAD_DAYS):
                self.add_error(name, _("Choose a date within the next year."))
            elif value in chosen:
                self.add_error(name, _("You gave this date already."))
            else:
                chosen.append(value)
        data["preferred_dates"] = chosen
        return data

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class ScheduleVisitForm(LinkedErrorsMixin):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    program = forms.ChoiceField(label=_("Program"), choices=ProgramArea.choices)
    escort = forms.ModelChoiceField(
        label=_("Escorting staff member"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(
        self,
        *args: Any,
        facility: Facility,
        escorts: list[tuple[Any, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField[User] = self.fields["escort"]  # type: ignore[assignment]
        field.queryset = User.objects.filter(memberships__facility=facility).order_by("email")
        field.label_from_instance = lambda user: user.get_full_name() or user.email  # type: ignore[method-assign,assignment]
        # The inbox shows this form under every request: the staff are listed once.
        field.choices = escorts if escorts is not None else list(field.choices)  # type: ignore[arg-type]

    def clean_on(self) -> date:
        on: date = self.cleaned_data["on"]
        if on < timezone.localdate():
            raise forms.ValidationError(_("Choose a date that is not in the past."))
        return on


class RecordVisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("made", _("Made")), ("missed", _("Missed"))],
        widget=forms.RadioSelect,
    )


class DeclineVisitForm(LinkedErrorsMixin):
    reason = forms.CharField(
        label=_("Reason (the visitor is told)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StartFromVisitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I am applying as"), choices=Kind.choices, widget=forms.RadioSelect
    )
