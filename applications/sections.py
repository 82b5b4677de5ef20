"""The numbered sections of the application: slugs shared by the wizard, information
requests, the staff view and the PDF, with the forms that ask them and how answers display.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from applications import forms as app_forms
from applications.models import (
    Application,
    CriminalHistoryEntry,
    Kind,
    Person,
    Relationship,
)

IDENTITY = "identity"
PLACEMENT = "placement"
ORGANISATION = "organisation"
CRIMINAL_HISTORY = "criminal_history"
RELATIONSHIPS = "relationships"
EMPLOYMENT = "employment"
DOCUMENTS = "documents"
ACKNOWLEDGEMENTS = "acknowledgements"

ORGANISATION_TITLES: dict[str, str | Promise] = {
    Kind.VOLUNTEER: _("Sponsoring organization and reference"),
    Kind.REENTRY_PARTNER: _("Partner organization and reference"),
    Kind.STUDENT_INTERN: _("School and internship"),
}


@dataclass(frozen=True)
class Section:
    slug: str
    number: int
    title: str | Promise
    # Sections whose answers are a list of entries (child rows) as well as a form.
    entries: str = ""

    def form_class(self, kind: str) -> type[app_forms.SectionForm] | None:
        classes: dict[str, type[app_forms.SectionForm]] = {
            IDENTITY: app_forms.IdentityForm,
            PLACEMENT: app_forms.PlacementForm,
            ORGANISATION: app_forms.ORGANISATION_FORMS[kind],
            CRIMINAL_HISTORY: app_forms.CriminalHistoryForm,
            RELATIONSHIPS: app_forms.RelationshipsForm,
            EMPLOYMENT: app_forms.EmploymentForm,
            ACKNOWLEDGEMENTS: app_forms.AcknowledgementsForm,
        }
        return classes.get(self.slug)


_SECTIONS: list[tuple[str, str | Promise, str]] = [
    (IDENTITY, _("Applicant information"), ""),
    (PLACEMENT, _("Facility and service"), ""),
    (ORGANISATION, "", ""),
    (CRIMINAL_HISTORY, _("Criminal history"), "criminal_history_entries"),
    (RELATIONSHIPS, _("Relationships with people under supervision"), "relationships"),
    (EMPLOYMENT, _("Employment and prior service"), ""),
    (DOCUMENTS, _("Supporting documents"), ""),
    (ACKNOWLEDGEMENTS, _("Acknowledgments and signature"), ""),
]
SLUGS = [slug for slug, _title, _entries in _SECTIONS]
# Sections an information request may reopen (a signature is always asked again).
REOPENABLE = [s for s in SLUGS if s != ACKNOWLEDGEMENTS]


def sections_for(kind: str) -> list[Section]:
    return [
        Section(slug, number, title or ORGANISATION_TITLES[kind], entries)
        for number, (slug, title, entries) in enumerate(_SECTIONS, start=1)
    ]


def section(kind: str, slug: str) -> Section | None:
    return next((s for s in sections_for(kind) if s.slug == slug), None)


def neighbours(kind: str, slug: str) -> tuple[str | None, str | None]:
    index = SLUGS.index(slug)
    previous = SLUGS[index - 1] if index > 0 else None
    following = SLUGS[index + 1] if index + 1 < len(SLUGS) else None
    return previous, following


# Repeatable entries: plain formsets over the entry forms (the rows are replaced as a whole
# when a step is saved, so no row ids travel through the page). Each is capped at what a
# real applicant lists: Django's default hard limit (max_num + 1000) lets one tampered post
# build a thousand forms, a 7 MB page and a draft nobody can save again.
MAX_CRIMINAL_HISTORY_ENTRIES = 20
MAX_RELATIONSHIPS = 20


class EntryFormSet(forms.BaseFormSet[Any]):
    """A capped list of entries, with a "Remove this entry" box on each saved one."""

    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "List at most %(num)d entry here. If you have more, tell the coordinator.",
            "List at most %(num)d entries here. If you have more, tell the coordinator.",
            "num",
        ),
        "missing_management_form": _(
            "This list of entries could not be read. Reload the page and try again."
        ),
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            form.fields[forms.formsets.DELETION_FIELD_NAME].label = _("Remove this entry")

    @property
    def management_form_for_page(self) -> forms.Form:
        """The counts the page posts back: the forms it shows, never more than the cap
        (a tampered count is not echoed back into the page)."""
        total = self.total_form_count()
        return forms.formsets.ManagementForm(
            auto_id=self.auto_id,
            prefix=self.prefix,
            initial={
                forms.formsets.TOTAL_FORM_COUNT: total,
                forms.formsets.INITIAL_FORM_COUNT: min(self.initial_form_count(), total),
                forms.formsets.MIN_NUM_FORM_COUNT: self.min_num,
                forms.formsets.MAX_NUM_FORM_COUNT: self.max_num,
            },
            renderer=self.renderer,  # type: ignore[attr-defined]
        )

    @property
    def can_add(self) -> bool:
        return self.initial_form_count() < self.max_num


def _entry_formset(form: type[forms.BaseForm], cap: int) -> type[EntryFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]
        form,
        formset=EntryFormSet,
        extra=1,
        max_num=cap,
        absolute_max=cap,
        validate_max=True,
        can_delete=True,
        can_delete_extra=False,
    )


CriminalHistoryFormSet = _entry_formset(
    app_forms.CriminalHistoryEntryForm, MAX_CRIMINAL_HISTORY_ENTRIES
)
RelationshipFormSet = _entry_formset(app_forms.RelationshipEntryForm, MAX_RELATIONSHIPS)
FORMSETS: dict[str, type[EntryFormSet]] = {
    CRIMINAL_HISTORY: CriminalHistoryFormSet,
    RELATIONSHIPS: RelationshipFormSet,
}
ENTRY_FIELDS = {
    CRIMINAL_HISTORY: ["date", "place", "offence", "disposition", "explanation"],
    RELATIONSHIPS: ["name", "doc_number", "relationship", "facility"],
}


# What may be kept of a post that did not validate: the section's own fields and at most
# the cap of entries, one value each and of bounded length, so a tampered post can neither
# bloat the draft nor make the section's page too big to post back.
PENDING_VALUE_CHARS = 2 * app_forms.LONG_TEXT
# Section 1's "remove the number on file" boxes (added to the form only when one is).
IDENTIFIER_REMOVE_FIELDS = ("ssn_remove", "dl_number_remove")


def _count(values: list[str] | None) -> int:
    try:
        return max(int((values or ["0"])[0]), 0)
    except ValueError:
        return 0


def keepable(kind: str, slug: str, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """The part of a posted (or stored) section worth keeping as half-typed answers."""
    sect = section(kind, slug)
    form_class = sect.form_class(kind) if sect else None
    names = set(form_class.base_fields) if form_class else set()
    if slug == IDENTITY:
        names |= set(IDENTIFIER_REMOVE_FIELDS)
    kept = {name: [v[:PENDING_VALUE_CHARS] for v in raw[name][:1]] for name in names if name in raw}
    formset = FORMSETS.get(slug)
    if formset is None:
        return kept
    cap = formset.absolute_max
    total = min(_count(raw.get("entries-TOTAL_FORMS")), cap)
    initial = min(_count(raw.get("entries-INITIAL_FORMS")), total)
    kept |= {
        "entries-TOTAL_FORMS": [str(total)],
        "entries-INITIAL_FORMS": [str(initial)],
        "entries-MIN_NUM_FORMS": ["0"],
        "entries-MAX_NUM_FORMS": [str(formset.max_num)],
    }
    fields = [*ENTRY_FIELDS[slug], forms.formsets.DELETION_FIELD_NAME]
    for index in range(total):
        for name in fields:
            key = f"entries-{index}-{name}"
            if key in raw:
                kept[key] = [v[:PENDING_VALUE_CHARS] for v in raw[key][:1]]
    return kept


# Answers are stored as JSON; forms are bound to them again to re-check at submission.
def to_json(cleaned: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, PhoneNumber):
            return value.as_e164 if value.is_valid() else str(value)
        if isinstance(value, Decimal):
            return str(value)
        return value

    return {name: convert(value) for name, value in cleaned.items()}


def to_form_data(form_class: type[forms.Form], values: dict[str, Any]) -> dict[str, Any]:
    """Turn stored answers back into what a browser would post for `form_class`."""
    data: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        value = values.get(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value not in (None, ""):
            data[name] = str(value)
    return data


IDENTIFIER_FIELDS = app_forms.IdentityForm.SECRET_FIELDS
IDENTITY_PERSON_FIELDS = [
    name for name in app_forms.IdentityForm.base_fields if name not in IDENTIFIER_FIELDS
]


def identity_values(person: Person) -> dict[str, Any]:
    """The person's current identity answers (identifiers masked, never decrypted)."""
    values = to_json({name: getattr(person, name) for name in IDENTITY_PERSON_FIELDS})
    values["ssn"] = person.ssn_masked
    values["dl_number"] = person.dl_masked
    return values


def section_values(application: Application, slug: str) -> dict[str, Any]:
    """What a section's answers are: for identity, the frozen snapshot once submitted."""
    if slug == IDENTITY and not application.answers.get(IDENTITY):
        return identity_values(application.person)
    return dict(application.answers.get(slug, {}))


def _display(field: forms.Field, value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(field, forms.BooleanField):
        return str(_("Agreed")) if value else str(_("Not agreed"))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
    if isinstance(field, forms.DateField):
        try:
            return str(formats.date_format(date.fromisoformat(str(value)), "DATE_FORMAT"))
        except ValueError:
            return str(value)
    if isinstance(field, PhoneNumberField):
        try:
            return str(PhoneNumber.from_string(str(value)).as_national)
        except NumberParseException:
            return str(value)
    return str(value)


def display_rows(application: Application, slug: str) -> list[tuple[str, str]]:
    """(label, answer) pairs of a section as the applicant answered it, for pages and PDFs."""
    sect = section(application.kind, slug)
    form_class = sect.form_class(application.kind) if sect else None
    if form_class is None:
        return []
    values = section_values(application, slug)
    return [
        (str(field.label), _display(field, values.get(name)))
        for name, field in form_class.base_fields.items()
    ]


def entry_rows(application: Application, slug: str) -> tuple[list[str], list[list[str]]]:
    """Column labels and rows of a section's repeatable entries."""
    if slug not in ENTRY_FIELDS:
        return [], []
    model = CriminalHistoryEntry if slug == CRIMINAL_HISTORY else Relationship
    names = ENTRY_FIELDS[slug]
    labels = [
        capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name))) for name in names
    ]
    rows = []
    manager = getattr(application, FORMSET_RELATED[slug])
    for entry in manager.all():
        row = []
        for name in names:
            value = getattr(entry, name)
            if name == "facility":
                value = value.name if value else _("Unknown")
            elif isinstance(value, date):
                value = formats.date_format(value, "DATE_FORMAT")
            row.append(str(value or ""))
        rows.append(row)
    return labels, rows


FORMSET_RELATED = {CRIMINAL_HISTORY: "criminal_history_entries", RELATIONSHIPS: "relationships"}


def answer_blocks(application: Application) -> list[dict[str, Any]]:
    """Every section's labelled answers and entries, for the `_answers.html` partial."""
    blocks = []
    for sect in sections_for(application.kind):
        labels, rows = entry_rows(application, sect.slug)
        blocks.append(
            {
                "section": sect,
                "rows": display_rows(application, sect.slug),
                "entry_labels": labels,
                "entry_rows": rows,
            }
        )
    return blocks
