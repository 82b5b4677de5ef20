from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from applications import age
from applications import sections as S
from applications.forms import DateInput, checked_upload
from applications.models import (
    OPEN_STATUSES,
    AccessLevel,
    Application,
    DeclineReason,
    Kind,
    Person,
    Status,
    fold,
)
from facilities.forms import FacilityChoiceField, ListedNaturalOrderIterator
from facilities.models import Facility, Role
from screening.models import CheckOutcome, CheckType, StepState

FLAGS = [
    ("contact_under_19", _("Contact requested under 19")),
    ("conflict", _("Relationship conflict")),
    ("history", _("Disclosed criminal history")),
    ("pending", _("Pending charges or supervision")),
    ("banned", _("Statewide ban")),
    ("duplicate", _("Possible duplicate person")),
    ("answered", _("Answered, not yet looked at")),
]
FLAG_FILTERS = {
    "contact_under_19": Q(flag_contact_under_19=True),
    "conflict": Q(flag_relationship_conflict=True),
    "history": Q(flag_criminal_history=True),
    "pending": Q(flag_pending_or_supervision=True),
    "banned": Q(is_banned=True),
    "duplicate": Q(is_duplicate=True),
    "answered": Q(is_answered=True),
}


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, reference or e-mail"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All open")),
            *[(s, Status(s).label) for s in Status.values if s != Status.DRAFT],
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices]
    )
    facility = FacilityChoiceField(
        label=_("Facility"),
        required=False,
        queryset=Facility.objects.none(),
        to_field_name="code",
        empty_label=_("All my facilities"),
    )
    level = forms.ChoiceField(
        label=_("Access requested"), required=False, choices=[("", _("Any")), *AccessLevel.choices]
    )
    flags = forms.MultipleChoiceField(
        label=_("Flags"), required=False, choices=FLAGS, widget=forms.CheckboxSelectMultiple
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("oldest", _("Oldest first")), ("newest", _("Newest first"))],
    )

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        # Only what a choice shows: a facility row parses its phone numbers.
        field.queryset = facilities.only("pk", "code", "name").order_by("name")
        field.iterator = ListedNaturalOrderIterator

    def filter(self, applications: QuerySet[Application]) -> QuerySet[Application]:
        self.is_valid()  # an invalid filter is dropped (and shown); the valid ones still apply
        data = getattr(self, "cleaned_data", {})  # unbound: no filter
        if data.get("status"):
            applications = applications.filter(status=data["status"])
        else:
            applications = applications.filter(status__in=OPEN_STATUSES)
        if data.get("kind"):
            applications = applications.filter(kind=data["kind"])
        if data.get("facility"):
            applications = applications.filter(facility=data["facility"])
        if data.get("level"):
            applications = applications.filter(access_level_requested=data["level"])
        for flag in data.get("flags") or []:
            applications = applications.filter(FLAG_FILTERS[flag])
        text = (data.get("q") or "").strip()
        if text:
            # A reference exactly, or every word within the person's folded name and e-mail
            # (an indexed column: see Person.search_text).
            # The people are found first (the trigram index), then their applications: an OR
            # across the two tables would be checked row by row over every open one.
            words = fold(text).split()
            condition = Q(reference=text.upper())
            if words:
                people = Person.objects.filter(
                    *(Q(search_text__contains=word) for word in words)
                ).values("pk")
                condition |= Q(person__in=people)
            applications = applications.filter(condition)
        order = "-submitted_at" if data.get("sort") == "newest" else "submitted_at"
        return applications.order_by(order, "pk")


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note (staff only)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestInformationForm(forms.Form):
    message = forms.CharField(
        label=_("What do you need from the applicant?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this and receives it by e-mail."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections to reopen"), widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label=_("Answer by"), widget=DateInput())

    def __init__(self, *args: Any, kind: str, default_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sections"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (s.slug, f"{s.number}. {s.title}")
            for s in S.sections_for(kind)
            if s.slug in S.REOPENABLE
        ]
        self.fields["due_on"].initial = age.today() + timedelta(days=default_days)

    def clean_due_on(self) -> Any:
        due = self.cleaned_data["due_on"]
        if due < age.today():
            raise forms.ValidationError(_("The answer date cannot be in the past."))
        return due


class AnsweredAnotherWayForm(forms.Form):
    note = forms.CharField(
        label=_("How did the applicant answer?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StepForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (StepState.PASSED, _("Passed")),
            (StepState.FAILED, _("Failed")),
            (StepState.PENDING, _("Pending")),
        ],
    )
    occurred_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    conducted_by = forms.CharField(label=_("By whom"), required=False, max_length=120)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CheckForm(forms.Form):
    check_type = forms.ChoiceField(label=_("Check"), choices=CheckType.choices)
    run_on = forms.DateField(label=_("Date run"), widget=DateInput())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CheckOutcome.choices)
    reference = forms.CharField(label=_("Reference number"), required=False, max_length=60)
    performed_by = forms.CharField(
        label=_("Run by"),
        max_length=120,
        help_text=_("The agency or person who ran the check, e.g. Missouri State Highway Patrol."),
    )

    def clean_run_on(self) -> Any:
        run_on = self.cleaned_data["run_on"]
        if run_on > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return run_on


class RerunForm(CheckForm):
    """A re-run of one check: its type is the earlier check's, so the field is left out."""

    reason = forms.CharField(
        label=_("Why it was run again"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["check_type"]


class VoidCheckForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this entry is void"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The entry stays on record, marked void; enter the correct result anew."),
    )


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Written exception"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=DeclineReason.choices)
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApproveForm(forms.Form):
    level = forms.ChoiceField(label=_("Access level granted"), choices=AccessLevel.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)

    def __init__(self, *args: Any, requested: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        if requested != AccessLevel.CONTACT:
            field.choices = [(AccessLevel.NO_CONTACT, AccessLevel.NO_CONTACT.label)]
        field.initial = requested


class WithdrawOnBehalfForm(forms.Form):
    reason = forms.CharField(
        label=_("How did the applicant ask to withdraw?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BanForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the statewide ban"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiftBanForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting the ban"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PaperDetailsForm(forms.Form):
    """What only a paper application has: the signed date and the scan of the signed form."""

    signed_on = forms.DateField(label=_("Date signed on the paper form"), widget=DateInput())
    scan = forms.FileField(
        label=_("Scan of the signed paper application"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    # A student intern's application needs the school's letter (REQUIRED_DOCUMENTS), which
    # the paper form's sections do not ask for.
    school_letter = forms.FileField(
        label=_("Letter from the school"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != Kind.STUDENT_INTERN:
            del self.fields["school_letter"]

    def clean_scan(self) -> Any:
        return checked_upload(self.cleaned_data["scan"])

    def clean_school_letter(self) -> Any:
        return checked_upload(self.cleaned_data["school_letter"])

    def clean_signed_on(self) -> Any:
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > age.today():
            raise forms.ValidationError(_("This date is in the future."))
        return signed_on


class CoordinatorForm(forms.Form):
    email = forms.EmailField(label=_("Work e-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_listed = forms.BooleanField(label=_("List on the public facility page"), required=False)
    public_title = forms.CharField(label=_("Public title"), required=False, max_length=100)
    public_phone = PhoneNumberField(label=_("Public phone"), required=False, region="US")
    public_email = forms.EmailField(label=_("Public e-mail"), required=False)


class RevealForm(forms.Form):
    """Which identifier to reveal, one at a time, and why (the reason goes in the audit log)."""

    field = forms.ChoiceField(label=_("Number to reveal"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why you need the full number"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: running the MULES check. Recorded in the security log."),
    )

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if person.ssn_encrypted:
            choices.append(("ssn", _("Social Security number (%s)") % person.ssn_masked))
        if person.dl_number_encrypted:
            choices.append(("dl_number", _("Driver's license number (%s)") % person.dl_masked))
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_reason(self) -> str:
        return " ".join(self.cleaned_data["reason"].split())

    def error_links(self) -> list[tuple[str, str]]:
        return [
            (self[name].auto_id if name in self.fields else "", str(error))
            for name, errors in self.errors.items()
            for error in errors
        ]
