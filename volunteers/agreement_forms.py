"""Forms of the agreements: publishing a version, signing it online, recording a paper one."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applications import age
from applications.forms import DateInput, checked_upload, signature_matches
from applications.models import Person
from volunteers.models import AgreementKind, AgreementVersion


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Agreement"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 12}))
    text_es = forms.CharField(
        label=_("Text (Spanish, optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
    )
    effective_on = forms.DateField(label=_("In effect from"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = age.today()
        # The text is kept as typed: what is signed is reproduced exactly.
        self.fields["text_en"].strip = False  # type: ignore[attr-defined]

    def clean_text_en(self) -> str:
        text = str(self.cleaned_data["text_en"])
        if not text.strip():
            raise forms.ValidationError(_("This field is required."))
        return text


def _name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Signature: type your full legal name"),
        max_length=200,
        help_text=_("Typing your name here is your signature."),
    )


def _check_name(person: Person, typed: str) -> str:
    typed = " ".join(typed.split())
    if not signature_matches(person, typed):
        raise forms.ValidationError(
            _(
                "Type the full legal name: %(name)s — the middle name or initial and suffix "
                "may be left out."
            )
            % {"name": person.full_name}
        )
    return typed


class SignForm(forms.Form):
    signed_name = _name_field()

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_signed_name(self) -> str:
        return _check_name(self.person, str(self.cleaned_data["signed_name"]))


class PaperSignatureForm(forms.Form):
    version = forms.ModelChoiceField(label=_("Agreement"), queryset=AgreementVersion.objects.none())
    signed_name = forms.CharField(label=_("Name as signed on paper"), max_length=200)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    language = forms.ChoiceField(
        label=_("Language signed"), choices=[("en", _("English")), ("es", _("Spanish"))]
    )
    scan = forms.FileField(
        label=_("Scan of the signed paper"), help_text=_("PDF, JPEG or PNG, at most 10 MB.")
    )

    def __init__(
        self, *args: Any, person: Person, versions: QuerySet[AgreementVersion], **kwargs: Any
    ) -> None:
        self.person = person
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = versions
        self.fields["signed_on"].initial = age.today()

    def clean_signed_name(self) -> str:
        return _check_name(self.person, str(self.cleaned_data["signed_name"]))

    def clean_signed_on(self) -> Any:
        day = self.cleaned_data["signed_on"]
        if day > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return day

    def clean_scan(self) -> Any:
        return checked_upload(self.cleaned_data["scan"])
