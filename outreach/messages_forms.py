"""The form a coordinator writes a message in."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from facilities.models import Facility
from outreach.messages import facility_organizations, facility_sessions
from outreach.models import Audience


class MessageForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices)
    session: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Training session"),
        queryset=None,
        required=False,
        help_text=_("Only when sending to a session's enrollees."),
    )
    organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Partner organization"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Only when sending to an organization's representatives here."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = facility_sessions(facility).order_by("-starts_at")  # type: ignore[attr-defined]
        # Only organizations with representatives at this facility: another facility's
        # representatives are not this coordinator's to write to.
        self.fields["organization"].queryset = facility_organizations(facility)  # type: ignore[attr-defined]

    def clean_subject(self) -> str:
        subject: str = self.cleaned_data["subject"]
        # A line break in a header would let one message carry others' headers.
        if "\n" in subject or "\r" in subject:
            raise forms.ValidationError(_("The subject must be one line."))
        return subject

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == Audience.SESSION and not data.get("session"):
            self.add_error("session", _("Choose the session whose enrollees receive it."))
        if data.get("audience") == Audience.ORGANIZATION and not data.get("organization"):
            self.add_error(
                "organization", _("Choose the organization whose representatives receive it.")
            )
        return data

    def error_links(self) -> list[tuple[str, str]]:
        return [
            (self[name].id_for_label if name in self.fields else "", str(error))
            for name, errors in self.errors.items()
            for error in errors
        ]
