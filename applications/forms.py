"""The application's questions, one form per numbered section.

The same forms drive the applicant's wizard, the re-check at submission, the staff view and
the PDF (labels and choices come from here), so a question is written once.
"""

import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise
from phonenumber_field.formfields import PhoneNumberField

from applications import age
from applications.models import (
    AccessLevel,
    CriminalHistoryEntry,
    DocumentKind,
    Kind,
    Language,
    Person,
    ProgramArea,
    Relationship,
)
from facilities.forms import FacilityChoiceField
from facilities.models import Facility
from partners.models import Organization, OrganizationKind

Label = str | StrPromise
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
LONG_TEXT = 2000

zip_validator = RegexValidator(r"^\d{5}(-\d{4})?$", _("Enter a ZIP code like 65101 or 65101-1234."))
state_validator = RegexValidator(r"^[A-Za-z]{2}$", _("Enter the two-letter state code, e.g. MO."))
ssn_validator = RegexValidator(
    r"^\d{3}-?\d{2}-?\d{4}$", _("Enter the nine digits of the number, e.g. 123-45-6789.")
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def yes_no(label: Label, help_text: Label = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, help_text=help_text
    )


class SecretInput(forms.TextInput):
    """A text box that never puts a value back into the page (identifiers)."""

    def format_value(self, value: Any) -> None:
        return None


def text(
    label: Label,
    *,
    required: bool = True,
    max_length: int = 200,
    autocomplete: str = "",
    secret: bool = False,
    **kw: Any,
) -> forms.CharField:
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    widget = SecretInput(attrs=attrs) if secret else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        **kw,
    )


def long_text(label: Label, *, required: bool = True, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kw,
    )


def require_when(form: forms.Form, condition: bool, *fields: str) -> None:
    """Mark `fields` as required when `condition` holds (a follow-up to a yes answer)."""
    if not condition:
        return
    for name in fields:
        if not form.cleaned_data.get(name) and name not in form.errors:
            form.add_error(name, _("Answer this, since you answered yes above."))


class SectionForm(forms.Form):
    """A section's form; `kind` is the application's kind, for kind-specific questions."""

    def __init__(self, *args: Any, kind: str = Kind.VOLUNTEER, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)


class IdentityForm(SectionForm):
    first_name = text(_("First name"), max_length=60, autocomplete="given-name")
    middle_name = text(_("Middle name"), required=False, max_length=60)
    last_name = text(_("Last name"), max_length=60, autocomplete="family-name")
    suffix = text(
        _("Suffix"), required=False, max_length=10, help_text=_("For example Jr. or III.")
    )
    other_names = text(
        _("Other names used"),
        required=False,
        help_text=_("Maiden name, previous married names, nicknames."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    phone = PhoneNumberField(label=_("Phone"), region="US")
    street_address = text(_("Street address"))
    city = text(_("City"), max_length=80)
    state = text(_("State"), max_length=2, validators=[state_validator])
    zip = text(_("ZIP code"), max_length=10, validators=[zip_validator])
    emergency_contact_name = text(_("Emergency contact: name"), max_length=120)
    emergency_contact_phone = PhoneNumberField(label=_("Emergency contact: phone"), region="US")
    emergency_contact_relationship = text(_("Emergency contact: relationship"), max_length=60)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language for letters and e-mail"), choices=Language.choices
    )
    ssn = text(
        _("Social Security number (optional)"),
        required=False,
        max_length=11,
        autocomplete="off",
        secret=True,
        validators=[ssn_validator],
        help_text=_(
            "Privacy Act notice: giving your Social Security number is voluntary. The "
            "department uses it only to confirm your identity for the criminal-history check "
            "and keeps it encrypted. Leave empty to keep the number already on file."
        ),
    )
    dl_number = text(
        _("Driver's license number (optional)"),
        required=False,
        max_length=20,
        autocomplete="off",
        secret=True,
        help_text=_("Kept encrypted. Leave empty to keep the number already on file."),
    )
    dl_state = text(
        _("License issued by (state)"), required=False, max_length=2, validators=[state_validator]
    )

    # Identifiers are never put back into a page; they are kept on the person, encrypted.
    SECRET_FIELDS = ("ssn", "dl_number")

    def __init__(
        self,
        *args: Any,
        on_file: dict[str, str] | None = None,
        held: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`on_file` and `held`: the last four characters of each identifier on the person,
        and of one typed on an earlier visit that had other errors (kept, not yet saved)."""
        super().__init__(*args, **kwargs)
        self.on_file = on_file or {}
        self._base_help = {name: self.fields[name].help_text for name in self.SECRET_FIELDS}
        self.describe_identifiers(held or {})

    def describe_identifiers(self, held: dict[str, str]) -> None:
        """Say, by their ending only, which numbers are on file or held, and offer to
        remove them (the boxes themselves never show a number)."""
        fields: dict[str, forms.Field] = {}
        for name, field in self.fields.items():
            if name.endswith("_remove"):
                continue
            fields[name] = field
            if name not in self.SECRET_FIELDS:
                continue
            ending_on_file, ending_held = self.on_file.get(name, ""), held.get(name, "")
            field.help_text = self._base_help[name]
            if not (ending_on_file or ending_held):
                continue
            field.help_text += " " + _identifier_status(ending_on_file, ending_held)
            fields[f"{name}_remove"] = self.fields.get(f"{name}_remove") or forms.BooleanField(
                label=_("Remove this number"),
                required=False,
                help_text=_("Tick to keep no number of this kind for you."),
            )
        self.fields = fields
        # Bound fields copy the help text they were made with (Django caches them).
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        problem = age.date_of_birth_problem(born, age.today())
        if problem == "in_future":
            raise forms.ValidationError(_("A date of birth cannot be in the future."))
        if problem == "too_old":
            raise forms.ValidationError(
                _("A date of birth more than %(years)s years ago cannot be right.")
                % {"years": age.OLDEST_AGE}
            )
        return born

    def clean_state(self) -> str:
        return str(self.cleaned_data["state"]).upper()

    def clean_dl_state(self) -> str:
        return str(self.cleaned_data["dl_state"]).upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        require_when(self, bool(data.get("dl_number")), "dl_state")
        for name in self.SECRET_FIELDS:
            if data.get(name) and data.get(f"{name}_remove"):
                self.add_error(
                    f"{name}_remove",
                    _("Either type a new number or tick “Remove this number”, not both."),
                )
        return data


def _identifier_status(ending_on_file: str, ending_held: str) -> str:
    if ending_held:
        return str(
            _(
                "Typed on your last visit, ending %(ending)s: it is saved once this section "
                "has no errors. Type a new number to replace it."
            )
            % {"ending": ending_held}
        )
    return str(
        _("On file, ending %(ending)s. Type a new number to replace it.")
        % {"ending": ending_on_file}
    )


class PlacementForm(SectionForm):
    program_area = forms.ChoiceField(label=_("Program area"), choices=ProgramArea.choices)
    activities = long_text(_("What would you like to do?"))
    availability = long_text(
        _("When are you available?"), help_text=_("Days of the week and times.")
    )
    access_level_requested = forms.ChoiceField(
        label=_("Access level requested"),
        choices=AccessLevel.choices,
        widget=forms.RadioSelect,
        help_text=_("You must be 19 or older for contact with offenders."),
    )


class VolunteerOrganisationForm(SectionForm):
    sponsoring_organisation = text(_("Sponsoring organization (if any)"), required=False)
    reference_name = text(_("Reference: name"), required=False, max_length=120)
    reference_relationship = text(_("Reference: how they know you"), required=False)
    reference_phone = PhoneNumberField(label=_("Reference: phone"), region="US", required=False)
    reference_email = forms.EmailField(label=_("Reference: e-mail"), required=False)


class OrganisationType(forms.ChoiceField):
    CHOICES = OrganizationKind.choices

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=self.CHOICES, **kwargs)


class OrganizationSelect(forms.Select):
    """A plain select of the registry, with a search box htmx uses to narrow it as one types
    (without JavaScript the whole list is there, and the name box below takes a new one)."""

    template_name = "partners/organization_select.html"

    def __init__(self, kinds: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs)
        self.kinds = kinds

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["kinds"] = ",".join(self.kinds)
        return context


def _registry_choices(kinds: list[str]) -> Any:
    def choices() -> list[tuple[str, Any]]:
        rows = Organization.objects.choosable(kinds).values_list("public_id", "name", "city")
        listed = [(str(pk), f"{name} ({city})" if city else name) for pk, name, city in rows]
        return [("", _("Not listed: I name it below")), *listed]

    return choices


class RegistryChoiceField(forms.ChoiceField):
    """One organization of the registry, by its public id (answers are stored as JSON).
    On screen only: the paper form and the PDF ask for the name."""

    screen_only = True

    def __init__(self, *, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(
            choices=_registry_choices(kinds),
            required=False,
            widget=OrganizationSelect(kinds),
            **kwargs,
        )

    def organization(self, value: str) -> Organization | None:
        return Organization.objects.filter(public_id=value).first() if value else None


class RegistryMixin(forms.Form):
    """Choose the organization from the registry, or name a new one (typed name and kind)."""

    name_field = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.fields["organization"].organization(data.get("organization", ""))  # type: ignore[attr-defined]
        if chosen is not None:
            data[self.name_field] = chosen.name
            if "organisation_type" in self.fields:
                data["organisation_type"] = chosen.kind
        elif not data.get(self.name_field) and self.name_field not in self.errors:
            self.add_error(
                self.name_field, _("Choose the organization from the list, or type its name.")
            )
        elif "organisation_type" in self.fields and not data.get("organisation_type"):
            self.add_error("organisation_type", _("Choose the type of the new organization."))
        return data


class ReentryOrganisationForm(RegistryMixin, SectionForm):
    name_field = "organisation_name"
    organization = RegistryChoiceField(
        kinds=[],
        label=_("Partner organization from the registry"),
        help_text=_("Type to search the list."),
    )
    organisation_name = text(
        _("Partner organization"),
        required=False,
        help_text=_(
            "If it is not in the list, type its name: the PIC Coordinator adds it to the "
            "registry and verifies it."
        ),
    )
    organisation_type = OrganisationType(label=_("Type of organization"), required=False)
    role = text(_("Your role in the organization"))
    reference_name = text(_("Reference: name"), max_length=120)
    reference_relationship = text(_("Reference: how they know you"))
    reference_phone = PhoneNumberField(label=_("Reference: phone"), region="US")
    reference_email = forms.EmailField(label=_("Reference: e-mail"), required=False)


class InternOrganisationForm(RegistryMixin, SectionForm):
    name_field = "school"
    organization = RegistryChoiceField(
        kinds=[OrganizationKind.SCHOOL],
        label=_("School from the registry"),
        help_text=_("Type to search the list."),
    )
    school = text(
        _("School"),
        required=False,
        help_text=_(
            "If it is not in the list, type its name: the PIC Coordinator adds it to the "
            "registry and verifies it."
        ),
    )
    program = text(_("Program or degree"))
    supervisor_name = text(_("Academic supervisor: name"), max_length=120)
    supervisor_email = forms.EmailField(label=_("Academic supervisor: e-mail"))
    supervisor_phone = PhoneNumberField(label=_("Academic supervisor: phone"), region="US")
    term_start = forms.DateField(label=_("Internship starts"), widget=DateInput())
    term_end = forms.DateField(label=_("Internship ends"), widget=DateInput())
    hours_required = forms.IntegerField(
        label=_("Hours required by your program"), min_value=1, max_value=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The internship must end after it starts."))
        return data


ORGANISATION_FORMS: dict[str, type[SectionForm]] = {
    Kind.VOLUNTEER: VolunteerOrganisationForm,
    Kind.REENTRY_PARTNER: ReentryOrganisationForm,
    Kind.STUDENT_INTERN: InternOrganisationForm,
}


class CriminalHistoryForm(SectionForm):
    has_record = yes_no(
        _("Have you ever been arrested for, charged with or convicted of any offense?"),
        _(
            "Include juvenile, military and expunged records and traffic offenses other "
            "than parking."
        ),
    )
    pending_charges = yes_no(_("Do you have any charges pending?"))
    pending_details = long_text(_("Pending charges: details"), required=False)
    on_supervision = yes_no(_("Are you currently on probation or parole?"))
    officer_name = text(_("Supervising officer: name"), required=False, max_length=120)
    officer_contact = text(_("Supervising officer: phone or e-mail"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        require_when(self, data.get("pending_charges") == "yes", "pending_details")
        require_when(self, data.get("on_supervision") == "yes", "officer_name", "officer_contact")
        return data


class CriminalHistoryEntryForm(forms.ModelForm[CriminalHistoryEntry]):
    class Meta:
        model = CriminalHistoryEntry
        fields = ["date", "place", "offence", "disposition", "explanation"]
        widgets = {"date": DateInput(), "explanation": forms.Textarea(attrs={"rows": 2})}

    def clean_date(self) -> date:
        when: date = self.cleaned_data["date"]
        if when > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return when


class RelationshipsForm(SectionForm):
    has_relationships = yes_no(
        _(
            "Is any relative, friend or co-defendant of yours under the supervision of the "
            "Department of Corrections (in prison, on probation or on parole)?"
        )
    )


class RelationshipEntryForm(forms.ModelForm[Relationship]):
    class Meta:
        model = Relationship
        fields = ["name", "doc_number", "relationship", "facility"]
        field_classes = {"facility": FacilityChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Facility.objects.order_by("name")
        field.empty_label = str(_("Unknown"))


class EmploymentForm(SectionForm):
    worked_for_doc = yes_no(
        _("Have you ever worked for, or held a contract with, the Department of Corrections?")
    )
    doc_employment_dates = text(_("Dates of that employment or contract"), required=False)
    doc_leaving_reason = long_text(_("Reason for leaving"), required=False)
    privileges_suspended = yes_no(
        _("Have your volunteer or visiting privileges ever been suspended anywhere?")
    )
    suspension_details = long_text(_("Suspension: where, when and why"), required=False)
    licence_type = text(
        _("Professional license (if your service needs one)"),
        required=False,
        help_text=_("For example: licensed professional counselor."),
    )
    licence_number = text(_("License number"), required=False, max_length=40)
    licence_state = text(
        _("License state"), required=False, max_length=2, validators=[state_validator]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        require_when(
            self, data.get("worked_for_doc") == "yes", "doc_employment_dates", "doc_leaving_reason"
        )
        require_when(self, data.get("privileges_suspended") == "yes", "suspension_details")
        require_when(self, bool(data.get("licence_type")), "licence_number", "licence_state")
        return data


# Supporting documents: what each kind may upload, and what it must before submitting.
DOCUMENT_KINDS: dict[str, list[str]] = {
    Kind.VOLUNTEER: [DocumentKind.REFERENCE_LETTER],
    Kind.REENTRY_PARTNER: [DocumentKind.REFERENCE_LETTER],
    Kind.STUDENT_INTERN: [DocumentKind.SCHOOL_LETTER, DocumentKind.REFERENCE_LETTER],
}
REQUIRED_DOCUMENTS: dict[str, list[str]] = {Kind.STUDENT_INTERN: [DocumentKind.SCHOOL_LETTER]}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Types are told from the file's first bytes, never from its name or the browser's word.
MAGIC_NUMBERS = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in MAGIC_NUMBERS.items():
        if head.startswith(magic):
            return content_type
    return None


def checked_upload(upload: Any) -> Any:
    """Refuse files over 10 MB or not PDF, JPEG or PNG by their content; note the type."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("This file is larger than 10 MB."))
    head = upload.read(8)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise forms.ValidationError(
            _("This file is not a PDF, JPEG or PNG (whatever its name says).")
        )
    upload.sniffed_content_type = content_type
    return upload


class DocumentUploadForm(SectionForm):
    kind_of_document = forms.ChoiceField(label=_("Which document"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind_of_document"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, DocumentKind(k).label) for k in DOCUMENT_KINDS[self.kind]]

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"])


class AcknowledgementsForm(SectionForm):
    truthful = forms.BooleanField(
        label=_(
            "Everything in this application is true and complete. I understand that false or "
            "missing information is reason to decline it or to end my access at any time."
        )
    )
    background_check = forms.BooleanField(
        label=_(
            "I consent to a criminal-history check (MULES, NCIC, MACHS and, where required, "
            "fingerprints) by the Missouri Department of Corrections."
        )
    )
    prea = forms.BooleanField(
        label=_(
            "I understand the department's zero tolerance of sexual abuse and sexual "
            "harassment under the Prison Rape Elimination Act (PREA), and that I must report "
            "any I learn of at once to staff or to the PREA hotline."
        )
    )
    conduct = forms.BooleanField(
        label=_(
            "I will follow the rules of conduct for volunteers, including that I bring in no "
            "contraband and carry nothing in or out for any offender."
        )
    )
    confidentiality = forms.BooleanField(
        label=_(
            "I will keep confidential what I learn about offenders, staff and security, during "
            "and after my service."
        )
    )
    signature_name = text(
        _("Signature: type your full legal name"),
        max_length=200,
        help_text=_("Typing your name here is your signature."),
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_signature_name(self) -> str:
        typed = " ".join(str(self.cleaned_data["signature_name"]).split())
        person = self.person
        named = bool(person and person.first_name and person.last_name)
        if named and person and _normalized(typed) not in _signature_forms(person):
            raise forms.ValidationError(
                _(
                    "Type your full legal name as in section 1: %(name)s — the middle name "
                    "or initial and suffix may be left out."
                )
                % {"name": person.full_name}
            )
        return typed


def signature_matches(person: Person, typed: str) -> bool:
    """Whether `typed` is the person's legal name by the application signature's rule (a
    person without a full name on file cannot be checked: any name is taken)."""
    if not (person.first_name and person.last_name):
        return True
    return _normalized(typed) in _signature_forms(person)


def _normalized(name: str) -> str:
    """Letters only, accents and case folded: "José  L. O'Neil, Jr." → "joseloneiljr"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalpha())


def _signature_forms(person: Person) -> set[str]:
    """The legal name; the middle name may be given whole, as initials, or left out, and
    the suffix given or left out (punctuation and spacing never matter)."""
    middle_words = person.middle_name.split()
    middles = {"", person.middle_name, " ".join(word[:1] for word in middle_words)}
    if middle_words:
        middles.add(middle_words[0][:1])  # "Jordan L. Newcomer" for "Lee Ann"
    suffixes = {"", person.suffix}
    return {
        _normalized(" ".join([person.first_name, middle, person.last_name, suffix]))
        for middle in middles
        for suffix in suffixes
    }


class EmailSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("We will e-mail you a link to sign in. No password is needed."),
    )


class StartApplicationForm(forms.Form):
    facility = FacilityChoiceField(
        label=_("Facility"),
        queryset=Facility.objects.open().exclude(kind="central_office").order_by("name"),
        to_field_name="code",
        empty_label=_("Choose a facility"),
    )
    kind = forms.ChoiceField(
        label=_("I am applying as"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Volunteers and reentry partners (who represent an organization) fill in the "
            "Application for Facility Access; student interns the Volunteer/Student Intern "
            "Application."
        ),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Yes, withdraw this application."))
